namespace Platform.Replication;

/// <summary>A read of one key (or, for listings, the read's consistency).</summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaRead")]
public sealed record ReplicaRead
{
    /// <summary>The key (null for a listing, which names its keys itself).</summary>
    [Id(0)] public string? Key { get; init; }

    [Id(1)] public IReadOnlyList<string>? Keys { get; init; }

    [Id(2)] public ReadConsistency Consistency { get; init; }

    /// <summary>Session: the log index of this shard the session has seen; the replica must have applied it.</summary>
    [Id(3)] public long MinIndex { get; init; }

    /// <summary>Session: how long a replica that is behind may wait to catch up before it answers Behind.</summary>
    [Id(4)] public TimeSpan Wait { get; init; }

    /// <summary>Strong: how long the leader may take to confirm its leadership before it answers Unavailable.</summary>
    [Id(5)] public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}
