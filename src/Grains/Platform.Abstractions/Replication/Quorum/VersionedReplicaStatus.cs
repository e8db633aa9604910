namespace Platform.Replication.Quorum;

/// <summary>One quorum or multi-leader replica as the shard map shows it, with what each repair mechanism did.</summary>
[GenerateSerializer, Immutable, Alias("Platform.VersionedReplicaStatus")]
public sealed record VersionedReplicaStatus
{
    [Id(0)] public required int Replica { get; init; }

    [Id(1)] public required string Grain { get; init; }

    [Id(2)] public required string Silo { get; init; }

    [Id(3)] public bool Live { get; init; } = true;

    /// <summary>Live keys and their value bytes (tombstones not counted).</summary>
    [Id(4)] public long Keys { get; init; }

    [Id(5)] public long Bytes { get; init; }

    [Id(6)] public ulong MerkleRoot { get; init; }

    /// <summary>Multi-leader: keys accepted here not yet confirmed by each other replica (summed).</summary>
    [Id(7)] public int PendingOutgoing { get; init; }

    /// <summary>Quorum: keys held for replicas that missed them (hinted handoff).</summary>
    [Id(8)] public int HintsHeld { get; init; }

    [Id(9)] public DateTimeOffset? LastAntiEntropy { get; init; }

    /// <summary>Merkle buckets found differing by this replica's anti-entropy runs, in all.</summary>
    [Id(10)] public long DivergentRanges { get; init; }

    /// <summary>Keys this replica's state changed for, per mechanism.</summary>
    [Id(11)] public long RepairedByReadRepair { get; init; }

    [Id(12)] public long RepairedByHints { get; init; }

    [Id(13)] public long RepairedByAntiEntropy { get; init; }

    [Id(14)] public long ReceivedByReplication { get; init; }

    /// <summary>Hints that expired or did not fit the hint store (anti-entropy covers them).</summary>
    [Id(15)] public long HintsDropped { get; init; }

    [Id(16)] public long HintsDelivered { get; init; }

    /// <summary>Tombstones forgotten after their grace period.</summary>
    [Id(17)] public long TombstonesPurged { get; init; }

    /// <summary>Keys this activation loaded from its store when it started (0 on memory storage).</summary>
    [Id(18)] public long LoadedFromStorage { get; init; }

    /// <summary>True when the replica's states are stored (Azure Table), not only in its memory.</summary>
    [Id(19)] public bool Durable { get; init; }

    /// <summary>Keys changed here by states another activation of this replica had stored (a conflicting write, or the anti-entropy tick's look at the store).</summary>
    [Id(20)] public long MergedFromStorage { get; init; }
}
