namespace Platform.Replication;

/// <summary>A replica's log, for tests that check election safety and committed-entry agreement across a group.</summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaLogDump")]
public sealed record ReplicaLogDump
{
    [Id(0)] public required int Replica { get; init; }

    [Id(1)] public required long Incarnation { get; init; }

    [Id(2)] public long CommitIndex { get; init; }

    [Id(3)] public long SnapshotIndex { get; init; }

    /// <summary>(index, term, hash of the entry's bytes) of every entry in memory.</summary>
    [Id(4)] public IReadOnlyList<ReplicaLogEntry> Entries { get; init; } = [];

    /// <summary>Every term in which this incarnation was leader.</summary>
    [Id(5)] public IReadOnlyList<long> LedTerms { get; init; } = [];
}
