namespace Platform.Client.Host.Caches;

/// <summary>The body of <c>PUT /v1/caches/{name}</c>; absent members take their defaults.</summary>
public sealed record CacheRequest(
    int? Shards,
    CacheCapacityRequest? Capacity,
    string? Eviction,
    int? DefaultTtlMs,
    double? TtlJitter,
    string? Strategy,
    CacheSourceRequest? Source,
    CacheWriteBehindRequest? WriteBehind,
    double? RefreshAhead,
    CacheNearCacheRequest? NearCache);
