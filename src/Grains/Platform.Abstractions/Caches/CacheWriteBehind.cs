namespace Platform.Caches;

/// <summary>Write-behind tuning: how long a write waits before it goes to the source, how many go in one batch, how many may wait.</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheWriteBehind")]
public sealed record CacheWriteBehind
{
    [Id(0)] public int DelayMs { get; init; } = 100;

    [Id(1)] public int MaxBatch { get; init; } = 100;

    /// <summary>Most keys waiting per cache (split over its shards); one more is refused with 503 and Retry-After.</summary>
    [Id(2)] public int MaxQueue { get; init; } = 100_000;

    /// <summary>The default of <see cref="MaxAgeMs"/>: 5 minutes.</summary>
    public const int DefaultMaxAgeMs = 300_000;

    /// <summary>
    /// How long a key's write may wait for the source, from when it was queued, before a failure drops it: then it is
    /// counted (<c>writeBehindDropped</c>, <c>platform.caches.write_behind.dropped</c>) and logged, and the cache keeps
    /// the value. Bounds what waits on retries of a failing source. Default 300000 (5 minutes).
    /// </summary>
    [Id(3)] public int MaxAgeMs { get; init; } = DefaultMaxAgeMs;
}
