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
