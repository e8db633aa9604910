namespace Platform.KeyValue;

/// <summary>A put (Value set) or a delete (Value null) of one key.</summary>
[GenerateSerializer, Immutable, Alias("Platform.KvWriteRequest")]
public sealed record KeyValueWriteRequest
{
    [Id(0)] public required string Key { get; init; }

    /// <summary>The new value; null deletes the key.</summary>
    [Id(1)] public byte[]? Value { get; init; }

    [Id(2)] public string? ContentType { get; init; }

    [Id(3)] public KeyValueCondition Condition { get; init; } = KeyValueCondition.None;

    [Id(4)] public KeyValueFence? Fence { get; init; }

    /// <summary>Multi-leader <c>siblings</c> namespaces: the causal context (<c>Platform-Context</c>) of the siblings this write replaces.</summary>
    [Id(5)] public byte[]? Context { get; init; }

    /// <summary>Quorum namespaces: the replicas that must acknowledge (<c>One</c>, <c>Quorum</c>, <c>All</c>); null or a read-only level keeps the namespace's W.</summary>
    [Id(6)] public Platform.Replication.ReadConsistency? Consistency { get; init; }
}
