namespace Platform.Caches;

/// <summary>
/// One shard of a cache (key: <see cref="CacheShardKey"/>). Guarantee: eviction order is exact within the shard (LRU or
/// LFU), one source load per key at a time, and a set or load never replaces an entry with a newer source version.
/// Entries live in memory only. A shard of a deleted or replaced generation throws <see cref="CacheGoneException"/>.
/// </summary>
[Alias("Platform.ICacheShardGrain")]
public interface ICacheShardGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<CacheRead> Get(string key);

    [Alias("Set")]
    Task<CacheSetResult> Set(CacheSetRequest request);

    /// <summary>Removes a key (and, for write-through and write-behind, deletes it from the source); false when it was not cached.</summary>
    [Alias("Remove")]
    Task<bool> Remove(string key);

    /// <summary>Moves a sliding entry's expiry as a read would, without answering the value; false when it is not cached.</summary>
    [Alias("Touch")]
    Task<bool> Touch(string key);

    /// <summary>Drops the matching entries; answers how many.</summary>
    [Alias("Invalidate")]
    Task<int> Invalidate(CacheInvalidation invalidation);

    [Alias("Stats")]
    Task<CacheShardStats> Stats();

    /// <summary>Registers (or renews) a near cache; answers the shard's change sequence now.</summary>
    [Alias("Subscribe")]
    Task<long> Subscribe(ICacheObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(ICacheObserver observer);

    /// <summary>Writes every write-behind entry still waiting, now (graceful shutdown does the same).</summary>
    [Alias("Flush")]
    Task<int> Flush();

    /// <summary>Drops everything and refuses further calls: the cache generation is gone.</summary>
    [Alias("Drop")]
    Task Drop();
}
