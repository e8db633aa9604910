using Platform.KeyValue;

namespace Platform.Replication;

/// <summary>A replica's answer to a write.</summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaWriteResult")]
public sealed record ReplicaWriteResult
{
    [Id(0)] public required ReplicaCallStatus Status { get; init; }

    /// <summary>Ok: the write's outcome (which may itself be a refusal: a failed precondition, a stale fence).</summary>
    [Id(1)] public KeyValueWriteResult? Result { get; init; }

    /// <summary>NotLeader: the replica (slot) this one follows, if it knows one.</summary>
    [Id(2)] public int? LeaderHint { get; init; }

    /// <summary>The answering replica's term.</summary>
    [Id(3)] public long Term { get; init; }

    /// <summary>Ok: the log index of the write (what a session token records).</summary>
    [Id(4)] public long Index { get; init; }

    [Id(5)] public string? Detail { get; init; }

    [Id(6)] public ReplicaServed? Served { get; init; }
}
