namespace Platform.Caches;

/// <summary>Write-behind tuning: how long a write waits before it goes to the source, how many go in one batch, how many may wait.</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheWriteBehind")]
public sealed record CacheWriteBehind
{
    [Id(0)] public int DelayMs { get; init; } = 100;

    [Id(1)] public int MaxBatch { get; init; } = 100;

    /// <summary>Most keys waiting per cache (split over its shards); one more is refused with 503 and Retry-After.</summary>
    [Id(2)] public int MaxQueue { get; init; } = 100_000;
}
