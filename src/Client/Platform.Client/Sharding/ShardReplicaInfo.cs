namespace Platform.Sharding;

/// <summary>One replica of a replicated shard, as the shard map shows it.</summary>
public sealed record ShardReplicaInfo
{
    public required int Replica { get; init; }

    public required string Grain { get; init; }

    /// <summary>The silo it runs on (null when it did not answer).</summary>
    public string? Silo { get; init; }

    /// <summary><c>leader</c>, <c>follower</c>, <c>learner</c> (a new incarnation the group has not promoted yet), <c>candidate</c>, <c>deposed</c> (leads an older term and has not heard yet) or <c>unreachable</c>.</summary>
    public required string Role { get; init; }

    public long Term { get; init; }

    public long Incarnation { get; init; }

    public bool Voter { get; init; }

    public long CommitIndex { get; init; }

    public long AppliedIndex { get; init; }

    /// <summary>Entries it has yet to apply of what the leader has committed (null without a leader or an answer).</summary>
    public long? Lag { get; init; }

    public long Keys { get; init; }

    /// <summary>Quorum and multi-leader: the replica's Merkle root (equal roots: identical copies).</summary>
    public string? MerkleRoot { get; init; }

    /// <summary>Multi-leader: updates accepted here not yet confirmed by the other replicas.</summary>
    public int? PendingOutgoing { get; init; }

    /// <summary>Quorum: keys held as hints for replicas that missed them.</summary>
    public int? HintsHeld { get; init; }

    /// <summary>Quorum and multi-leader: when the replica last compared Merkle trees with another.</summary>
    public DateTimeOffset? LastAntiEntropy { get; init; }

    /// <summary>Quorum and multi-leader: Merkle buckets its anti-entropy runs found differing, in all.</summary>
    public long? DivergentRanges { get; init; }

    /// <summary>Quorum and multi-leader: keys repaired here per mechanism (readRepair, hints, antiEntropy, replication), hints delivered and dropped, tombstones purged.</summary>
    public IReadOnlyDictionary<string, long>? Repairs { get; init; }
}
