namespace Platform.Replication.Quorum;

/// <summary>A multi-leader write's answer: the key's state after it, how many other replicas had it when answered, and what is still to send.</summary>
[GenerateSerializer, Immutable, Alias("Platform.VersionedAcceptResult")]
public sealed record VersionedAcceptResult
{
    [Id(0)] public bool Live { get; init; } = true;

    [Id(1)] public VersionedEntry? Entry { get; init; }

    /// <summary>Other replicas that held the write when it was answered.</summary>
    [Id(2)] public int Copies { get; init; }

    /// <summary>Keys this replica still has to send to the others (summed over them).</summary>
    [Id(3)] public int PendingOutgoing { get; init; }

    [Id(4)] public bool Existed { get; init; }

    /// <summary>Why it was refused (an operation the namespace's conflict mode does not take), else null.</summary>
    [Id(5)] public string? Refused { get; init; }

    [Id(6)] public string Replica { get; init; } = "";
}
