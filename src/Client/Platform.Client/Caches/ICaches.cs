namespace Platform.Caches;

/// <summary>
/// Named caches on the cluster: entries spread over shard grains by the hash ring, eviction exact within a shard,
/// the five strategies, and an optional near cache in this process whose copies are dropped by pushed invalidations
/// (gaps detected by sequence). Refusals throw the <c>Platform.Errors</c> exceptions.
/// </summary>
public interface ICaches
{
    /// <summary>Creates the cache, or replaces it (a new generation, entries dropped) when the spec differs.</summary>
    Task<CachePutResult> PutAsync(string name, CacheSpec spec, CancellationToken cancellationToken = default);

    /// <summary>The settings; throws <c>PlatformNotFoundException</c> for an unknown cache.</summary>
    Task<CacheSettings> GetSettingsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes the cache and its entries; throws <c>PlatformNotFoundException</c> for an unknown cache.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);

    Task<CachePage> ListAsync(int? limit = null, string? continuationToken = null, CancellationToken cancellationToken = default);

    /// <summary>The entry (from the near cache when it holds a copy); null on a miss. Read-through strategies load on a miss.</summary>
    Task<CacheEntry?> GetAsync(string name, string key, CancellationToken cancellationToken = default);

    Task<CacheSetResult> SetAsync(string name, string key, byte[] value, CacheSetOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cache-aside: the entry, or the factory's value set and answered. One factory call per key at a time in this
    /// process; concurrent callers share its result.
    /// </summary>
    Task<CacheEntry> GetOrSetAsync(string name, string key, Func<CancellationToken, Task<byte[]>> factory, CacheSetOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Removes the key (write-through and write-behind delete it at the source too); false when it was not cached.</summary>
    Task<bool> RemoveAsync(string name, string key, CancellationToken cancellationToken = default);

    /// <summary>Extends a sliding entry's life as a read would; false when it is not cached.</summary>
    Task<bool> TouchAsync(string name, string key, CancellationToken cancellationToken = default);

    /// <summary>Drops the given keys, every entry with one of the tags and every key with the prefix; answers how many.</summary>
    Task<int> InvalidateAsync(string name, CacheInvalidation invalidation, CancellationToken cancellationToken = default);

    Task<CacheStats> StatsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Writes every waiting write-behind entry now; answers how many.</summary>
    Task<int> FlushAsync(string name, CancellationToken cancellationToken = default);
}
