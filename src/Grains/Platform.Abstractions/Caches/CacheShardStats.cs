namespace Platform.Caches;

/// <summary>One shard's counts since it was activated.</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheShardStats")]
public sealed record CacheShardStats
{
    [Id(0)] public int Shard { get; init; }

    [Id(1)] public long Entries { get; init; }

    [Id(2)] public long Bytes { get; init; }

    [Id(3)] public long Hits { get; init; }

    [Id(4)] public long Misses { get; init; }

    [Id(5)] public long Evictions { get; init; }

    [Id(6)] public long Expirations { get; init; }

    [Id(7)] public long Loads { get; init; }

    [Id(8)] public long LoadFailures { get; init; }

    [Id(9)] public long WriteBehindQueued { get; init; }

    [Id(10)] public long WriteBehindWritten { get; init; }

    [Id(11)] public long WriteBehindFailures { get; init; }

    [Id(12)] public long Refreshes { get; init; }

    [Id(13)] public long CapacityEntries { get; init; }

    [Id(14)] public long? CapacityBytes { get; init; }

    [Id(15)] public long Sequence { get; init; }

    /// <summary>Write-behind keys not yet confirmed by the source now (waiting, on retry or in flight): what a SIGKILL would lose.</summary>
    [Id(16)] public long WriteBehindPending { get; init; }

    /// <summary>Write-behind keys given up on: their source writes kept failing for <c>writeBehind.maxAgeMs</c>.</summary>
    [Id(17)] public long WriteBehindDropped { get; init; }
}
