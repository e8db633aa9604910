namespace Platform.Caches;

/// <summary>Which entry a full shard drops first.</summary>
public enum CacheEviction
{
    /// <summary>The least recently used (read or written) entry.</summary>
    Lru = 0,

    /// <summary>The least frequently used entry (fewest reads and writes); among equals the least recently used.</summary>
    Lfu = 1,
}
