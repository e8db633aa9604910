namespace Platform.Replication.Quorum;

/// <summary>States sent to a replica, and why (each replica counts what every mechanism repaired).</summary>
[GenerateSerializer, Immutable, Alias("Platform.VersionedBatch")]
public sealed record VersionedBatch
{
    [Id(0)] public required IReadOnlyList<VersionedEntry> Entries { get; init; }

    [Id(1)] public VersionedReason Reason { get; init; }

    /// <summary>False from a replica whose generation is gone.</summary>
    [Id(2)] public bool Live { get; init; } = true;
}
