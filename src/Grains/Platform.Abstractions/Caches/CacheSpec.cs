namespace Platform.Caches;

/// <summary>What a cache is asked to be (<c>PUT /v1/caches/{name}</c>); checked by <see cref="CacheSpecRules"/>.</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheSpec")]
public sealed record CacheSpec
{
    [Id(0)] public int Shards { get; init; } = 16;

    [Id(1)] public required CacheCapacity Capacity { get; init; }

    [Id(2)] public CacheEviction Eviction { get; init; } = CacheEviction.Lru;

    /// <summary>TTL of an entry set without one; null: entries live until evicted or invalidated.</summary>
    [Id(3)] public int? DefaultTtlMs { get; init; }

    /// <summary>Each TTL is shortened by a uniformly random fraction up to this (0 to 0.5), so entries set together do not expire together.</summary>
    [Id(4)] public double TtlJitter { get; init; }

    [Id(5)] public CacheStrategy Strategy { get; init; } = CacheStrategy.Aside;

    [Id(6)] public CacheSource? Source { get; init; }

    [Id(7)] public CacheWriteBehind? WriteBehind { get; init; }

    /// <summary>Refresh-ahead: the fraction of an entry's TTL after which a read reloads it in the background (0.1 to 0.99).</summary>
    [Id(8)] public double? RefreshAhead { get; init; }

    [Id(9)] public CacheNearCache? NearCache { get; init; }
}
