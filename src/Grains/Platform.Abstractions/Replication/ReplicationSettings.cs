namespace Platform.Replication;

/// <summary>
/// How a namespace is replicated (<c>"replication"</c> in <c>PUT /v1/namespaces/{ns}</c>): each shard is a group of
/// <see cref="Replicas"/> replica grains on distinct silos, kept in agreement by Raft.
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

    /// <summary>Replicas that make a majority of the group.</summary>
    public int Majority => (Replicas / 2) + 1;

    /// <summary>Null when valid; else the field (under <c>replication.</c>) and why.</summary>
    public (string Field, string Reason)? Check()
    {
        if (!Enum.IsDefined(Mode))
        {
            return ("replication.mode", $"must be one of: leader (got {Mode})");
        }

        if (Replicas is < MinReplicas or > MaxReplicas)
        {
            return ("replication.replicas", $"must be between {MinReplicas} and {MaxReplicas} (got {Replicas})");
        }

        if (!Enum.IsDefined(Ack))
        {
            return ("replication.ack", $"must be one of: majority, all, one, leader (got {Ack})");
        }

        return !Enum.IsDefined(Consistency) ? ("replication.consistency", $"must be one of: strong, session, eventual (got {Consistency})") : null;
    }

    /// <summary>Advice the answer to a create carries (an even group tolerates no more failures than the odd one below it).</summary>
    public IReadOnlyList<string> Warnings() => Replicas % 2 == 0
        ? [$"replication.replicas is {Replicas}: an even group needs {Majority} of {Replicas} for a majority and survives no more failures than {Replicas - 1} replicas would; an odd number is recommended."]
        : [];
}
