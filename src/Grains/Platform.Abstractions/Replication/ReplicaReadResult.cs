using Platform.KeyValue;

namespace Platform.Replication;

/// <summary>A replica's answer to a read: the entry (or entries) and who served it.</summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaReadResult")]
public sealed record ReplicaReadResult
{
    [Id(0)] public required ReplicaCallStatus Status { get; init; }

    [Id(1)] public KeyValueEntry? Entry { get; init; }

    [Id(2)] public IReadOnlyList<KeyValueEntry>? Entries { get; init; }

    [Id(3)] public int? LeaderHint { get; init; }

    [Id(4)] public ReplicaServed? Served { get; init; }

    [Id(5)] public string? Detail { get; init; }
}
