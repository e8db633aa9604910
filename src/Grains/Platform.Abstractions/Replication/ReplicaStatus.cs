namespace Platform.Replication;

/// <summary>One replica's view of itself and, when it leads, of every member of its group (the shard map).</summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaStatus")]
public sealed record ReplicaStatus
{
    [Id(0)] public required int Replica { get; init; }

    [Id(1)] public required string Grain { get; init; }

    [Id(2)] public required string Silo { get; init; }

    [Id(3)] public required long Incarnation { get; init; }

    [Id(4)] public required ReplicaRole Role { get; init; }

    [Id(5)] public required long Term { get; init; }

    /// <summary>The slot it follows (or leads), if known.</summary>
    [Id(6)] public int? Leader { get; init; }

    [Id(7)] public long CommitIndex { get; init; }

    [Id(8)] public long AppliedIndex { get; init; }

    [Id(9)] public long LastIndex { get; init; }

    [Id(10)] public bool Voter { get; init; }

    /// <summary>Live keys and their value bytes in this replica's copy.</summary>
    [Id(11)] public long Keys { get; init; }

    [Id(12)] public long Bytes { get; init; }

    /// <summary>The leader's view of each member (empty on followers).</summary>
    [Id(13)] public IReadOnlyList<ReplicaMemberStatus> Members { get; init; } = [];

    [Id(14)] public long SnapshotIndex { get; init; }

    /// <summary>False once its namespace generation is gone.</summary>
    [Id(15)] public bool Live { get; init; } = true;
}
