namespace Platform.Caches;

/// <summary>The cache after a put, and whether the put created it or changed its spec.</summary>
[GenerateSerializer, Immutable, Alias("Platform.CachePutResult")]
public sealed record CachePutResult(
    [property: Id(0)] CacheSettings Settings,
    [property: Id(1)] bool Created,
    [property: Id(2)] bool Changed);
