namespace Platform.Caches;

/// <summary>Which Platform cache <see cref="PlatformDistributedCache"/> uses, and the spec it creates that cache with when it does not exist.</summary>
public sealed class PlatformDistributedCacheOptions
{
    /// <summary>The cache's name. Default <c>aspnet</c>.</summary>
    public string CacheName { get; set; } = "aspnet";

    /// <summary>The spec of the cache when it is created on first use. Default 16 shards, 100000 entries, LRU.</summary>
    public CacheSpec Spec { get; set; } = new() { Shards = 16, Capacity = new CacheCapacity { Entries = 100_000 } };

    /// <summary>
    /// How often the HybridCache tag stamps this process has seen are re-read, so a tag invalidated through another
    /// host reaches this one's HybridCache within it. Default 1 s; zero turns it off.
    /// </summary>
    public TimeSpan TagCheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
