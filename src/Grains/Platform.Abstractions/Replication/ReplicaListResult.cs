using Platform.KeyValue;

namespace Platform.Replication;

/// <summary>A replica's answer to a listing call.</summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaListResult")]
public sealed record ReplicaListResult
{
    [Id(0)] public required ReplicaCallStatus Status { get; init; }

    [Id(1)] public IReadOnlyList<KeyValueKeyInfo> Keys { get; init; } = [];

    [Id(2)] public int? LeaderHint { get; init; }

    [Id(3)] public ReplicaServed? Served { get; init; }

    [Id(4)] public string? Detail { get; init; }
}
