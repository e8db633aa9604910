namespace Platform.Replication;

/// <summary>
/// How a namespace is replicated (<c>"replication"</c> in <c>PUT /v1/namespaces/{ns}</c>): each shard is a group of
/// <see cref="Replicas"/> replica grains on distinct silos, kept in agreement by Raft (<c>leader</c>), by quorums of
/// <see cref="W"/> writes and <see cref="R"/> reads (<c>quorum</c>), or by asynchronous replication with conflict
/// resolution (<c>multi-leader</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicationSettings")]
public sealed record ReplicationSettings
{
    public const int MinReplicas = 1;
    public const int MaxReplicas = 7;

    [Id(0)] public ReplicationMode Mode { get; init; } = ReplicationMode.Leader;

    /// <summary>Replicas per shard, 1-7 (odd recommended). Default 3.</summary>
    [Id(1)] public int Replicas { get; init; } = 3;

    [Id(2)] public ReplicationAck Ack { get; init; } = ReplicationAck.Majority;

    /// <summary>The consistency of a read that names none. Default strong.</summary>
    [Id(3)] public ReadConsistency Consistency { get; init; } = ReadConsistency.Strong;

    /// <summary>Quorum mode: replicas that must acknowledge a write (1..N; 0 in other modes).</summary>
    [Id(4)] public int W { get; init; }

    /// <summary>Quorum mode: replicas a read asks (1..N; 0 in other modes).</summary>
    [Id(5)] public int R { get; init; }

    /// <summary>Multi-leader mode: how concurrent writes resolve (null in other modes).</summary>
    [Id(6)] public ConflictMode? Conflicts { get; init; }

    /// <summary>True for the leaderless modes (quorum, multi-leader), served by versioned replicas rather than Raft.</summary>
    public bool Leaderless => Mode != ReplicationMode.Leader;

    /// <summary>Quorum mode: every read quorum meets every write quorum (W + R &gt; N).</summary>
    public bool OverlappingQuorums => W + R > Replicas;

    /// <summary>Replicas that make a majority of the group.</summary>
    public int Majority => (Replicas / 2) + 1;

    /// <summary>Null when valid; else the field (under <c>replication.</c>) and why.</summary>
    public (string Field, string Reason)? Check()
    {
        if (!Enum.IsDefined(Mode))
        {
            return ("replication.mode", $"must be one of: leader, quorum, multi-leader (got {Mode})");
        }

        if (Replicas is < MinReplicas or > MaxReplicas)
        {
            return ("replication.replicas", $"must be between {MinReplicas} and {MaxReplicas} (got {Replicas})");
        }

        if (!Enum.IsDefined(Ack))
        {
            return ("replication.ack", $"must be one of: majority, all, one, leader (got {Ack})");
        }

        if (!Enum.IsDefined(Consistency))
        {
            return ("replication.consistency", $"must be one of: strong, session, eventual, one, quorum, all (got {Consistency})");
        }

        if (Mode == ReplicationMode.Quorum)
        {
            if (W < 1 || W > Replicas)
            {
                return ("replication.w", $"must be between 1 and replication.replicas ({Replicas}) (got {W})");
            }

            if (R < 1 || R > Replicas)
            {
                return ("replication.r", $"must be between 1 and replication.replicas ({Replicas}) (got {R})");
            }
        }
        else if (W != 0 || R != 0)
        {
            return (W != 0 ? "replication.w" : "replication.r", "is only for mode quorum");
        }

        if (Mode == ReplicationMode.MultiLeader)
        {
            if (Conflicts is not { } conflicts || !Enum.IsDefined(conflicts))
            {
                return ("replication.conflicts", $"must be one of: lww, siblings, crdt (got {Conflicts})");
            }
        }
        else if (Conflicts is not null)
        {
            return ("replication.conflicts", "is only for mode multi-leader");
        }

        return Leaderless && Ack != ReplicationAck.Majority ? ("replication.ack", "is only for mode leader (quorum namespaces acknowledge after replication.w replicas)") : null;
    }

    /// <summary>Advice the answer to a create carries (an even group tolerates no more failures than the odd one below it).</summary>
    public IReadOnlyList<string> Warnings() => Mode switch
    {
        ReplicationMode.Quorum when !OverlappingQuorums =>
            [$"replication.w + replication.r ({W} + {R}) is not above replication.replicas ({Replicas}): read and write quorums need not overlap, so a read may miss acknowledged writes until read repair, hinted handoff or anti-entropy reach the replicas it asked."],
        ReplicationMode.MultiLeader when Conflicts == ConflictMode.Lww =>
            ["replication.conflicts is lww: of two concurrent writes to one key (neither saw the other) the one with the lower hybrid logical clock is discarded, although both were acknowledged."],
        ReplicationMode.Leader when Replicas % 2 == 0 => [$"replication.replicas is {Replicas}: an even group needs {Majority} of {Replicas} for a majority and survives no more failures than {Replicas - 1} replicas would; an odd number is recommended."],
        _ => [],
    };
}
