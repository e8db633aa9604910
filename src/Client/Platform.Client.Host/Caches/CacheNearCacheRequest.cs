namespace Platform.Client.Host.Caches;

/// <summary><c>nearCache</c>: <c>enabled</c>, <c>ttlMs</c> (default 5000), <c>capacity</c> (10000) per process.</summary>
public sealed record CacheNearCacheRequest(bool? Enabled, int? TtlMs, int? Capacity);
