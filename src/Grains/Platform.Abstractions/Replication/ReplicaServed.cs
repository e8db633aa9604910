namespace Platform.Replication;

/// <summary>Which replica answered, in what role and term, and how far it had applied the log: what makes staleness observable.</summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaServed")]
public sealed record ReplicaServed
{
    /// <summary>The replica grain's key, <c>{ns}/{gen}/{shard}/{r}</c>.</summary>
    [Id(0)] public required string Replica { get; init; }

    [Id(1)] public required ReplicaRole Role { get; init; }

    [Id(2)] public required long Term { get; init; }

    /// <summary>The last log index the replica had applied when it answered.</summary>
    [Id(3)] public required long AppliedIndex { get; init; }

    [Id(4)] public string? Silo { get; init; }
}
