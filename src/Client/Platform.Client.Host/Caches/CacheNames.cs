using Platform.Caches;
using Platform.Errors;

namespace Platform.Client.Host.Caches;

/// <summary>The API's names of evictions and strategies (<c>lru</c>, <c>read-through</c>, ...), both ways.</summary>
internal static class CacheNames
{
    private static readonly Dictionary<string, CacheStrategy> Strategies = new(StringComparer.Ordinal)
    {
        ["aside"] = CacheStrategy.Aside,
        ["read-through"] = CacheStrategy.ReadThrough,
        ["write-through"] = CacheStrategy.WriteThrough,
        ["write-behind"] = CacheStrategy.WriteBehind,
        ["refresh-ahead"] = CacheStrategy.RefreshAhead,
    };

    public static string Of(CacheStrategy strategy) => Strategies.First(p => p.Value == strategy).Key;

    public static string Of(CacheEviction eviction) => eviction == CacheEviction.Lfu ? "lfu" : "lru";

    public static CacheStrategy Strategy(string? name) =>
        name is null ? CacheStrategy.Aside
        : Strategies.TryGetValue(name, out var strategy) ? strategy
        : throw new PlatformValidationException("strategy", $"must be one of: {string.Join(", ", Strategies.Keys)} (got '{name}')");

    public static CacheEviction Eviction(string? name) => name switch
    {
        null or "lru" => CacheEviction.Lru,
        "lfu" => CacheEviction.Lfu,
        _ => throw new PlatformValidationException("eviction", $"must be one of: lru, lfu (got '{name}')"),
    };
}
