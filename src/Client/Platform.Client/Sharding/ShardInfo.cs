namespace Platform.Sharding;

/// <summary>One shard in a namespace's shard map.</summary>
public sealed record ShardInfo
{
    public required int Shard { get; init; }

    public required string Grain { get; init; }

    /// <summary>The silo hosting the shard (a replicated shard: its leader's, or the most advanced replica's while it has none).</summary>
    public required string Silo { get; init; }

    public long Keys { get; init; }

    public long Bytes { get; init; }

    /// <summary>The fraction of the hash ring this shard owns.</summary>
    public double Ownership { get; init; }

    /// <summary>The ring ranges it owns, when asked for.</summary>
    public IReadOnlyList<TokenRange>? Ranges { get; init; }

    /// <summary>Replicated namespaces: every replica of the shard's group (null otherwise).</summary>
    public IReadOnlyList<ShardReplicaInfo>? Replicas { get; init; }

    /// <summary>Replicated namespaces: the slot of the group's current leader (null while it has none).</summary>
    public int? Leader { get; init; }

    /// <summary>Replicated namespaces: the leader's term.</summary>
    public long? Term { get; init; }

    /// <summary>Replicated namespaces: why the group runs below full strength (replicas sharing a silo, a replica unreachable or catching up), or null.</summary>
    public string? Degraded { get; init; }
}

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
}
