using Orleans.Concurrency;

namespace Platform.Caches;

/// <summary>One cache's settings (key: its name). Guarantee: a generation is handed out once and persisted before it is answered.</summary>
[Alias("Platform.ICacheGrain")]
public interface ICacheGrain : IGrainWithStringKey
{
    /// <summary>The settings as persisted; interleaves with a put or delete (their shards' activations ask for it).</summary>
    [AlwaysInterleave]
    [Alias("Get")]
    Task<CacheSettings?> Get();

    /// <summary>Creates the cache, or replaces it with a new generation when the spec differs; answers whether anything changed.</summary>
    [Alias("Put")]
    Task<CachePutResult> Put(CacheSpec spec);

    [Alias("Delete")]
    Task<bool> Delete();
}
