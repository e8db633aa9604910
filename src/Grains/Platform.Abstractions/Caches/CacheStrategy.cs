namespace Platform.Caches;

/// <summary>How a cache and its source relate.</summary>
public enum CacheStrategy
{
    /// <summary>Cache-aside: the application reads, loads and sets; the cache never calls the source.</summary>
    Aside = 0,

    /// <summary>A miss loads from the source, one load per key at a time.</summary>
    ReadThrough = 1,

    /// <summary>Writes go to the source and then the cache; misses load as read-through.</summary>
    WriteThrough = 2,

    /// <summary>Writes are acknowledged once cached and written to the source in batches later; misses load as read-through.</summary>
    WriteBehind = 3,

    /// <summary>Read-through, and an entry read after <c>refreshAhead</c> of its TTL is reloaded in the background.</summary>
    RefreshAhead = 4,
}
