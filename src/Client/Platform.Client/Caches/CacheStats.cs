namespace Platform.Caches;

/// <summary>A cache's counts: the sums over its shards, and each shard's own.</summary>
public sealed record CacheStats(CacheShardStats Total, IReadOnlyList<CacheShardStats> Shards);
