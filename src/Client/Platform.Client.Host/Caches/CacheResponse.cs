using Platform.Caches;

namespace Platform.Client.Host.Caches;

/// <summary>A cache as it is: its spec with every default filled in, its generation and creation time.</summary>
public sealed record CacheResponse(
    string Name,
    long Generation,
    int Shards,
    CacheCapacity Capacity,
    string Eviction,
    int? DefaultTtlMs,
    double TtlJitter,
    string Strategy,
    CacheSource? Source,
    CacheWriteBehind? WriteBehind,
    double? RefreshAhead,
    CacheNearCache? NearCache,
    DateTimeOffset CreatedAt)
{
    public static CacheResponse From(CacheSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var spec = settings.Spec;
        return new CacheResponse(settings.Name, settings.Generation, spec.Shards, spec.Capacity, CacheNames.Of(spec.Eviction), spec.DefaultTtlMs,
            spec.TtlJitter, CacheNames.Of(spec.Strategy), spec.Source, spec.WriteBehind, spec.RefreshAhead, spec.NearCache, settings.CreatedAt);
    }
}
