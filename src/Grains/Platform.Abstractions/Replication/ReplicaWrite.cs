using Platform.KeyValue;

namespace Platform.Replication;

/// <summary>
/// A write sent to a replica group's leader. <see cref="RequestId"/> makes retries safe: the group applies one id
/// once and answers a repeat with the first outcome (remembered for <c>Platform:Replication:DedupWindow</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaWrite")]
public sealed record ReplicaWrite
{
    [Id(0)] public required Guid RequestId { get; init; }

    [Id(1)] public required KeyValueWriteRequest Request { get; init; }

    /// <summary>How long the leader may wait for the acknowledgement before it answers Unavailable.</summary>
    [Id(2)] public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}
