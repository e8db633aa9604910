namespace Platform.Locks;

/// <summary>An acquire (a campaign for elections). Null lease means the configured default.</summary>
[GenerateSerializer, Immutable, Alias("Platform.LeaseRequest")]
public sealed record LeaseRequest
{
    [Id(0)] public string? Owner { get; init; }

    [Id(1)] public LeaseMode Mode { get; init; } = LeaseMode.Exclusive;

    /// <summary>Permits taken (semaphores); 1 for locks and elections.</summary>
    [Id(2)] public int Count { get; init; } = 1;

    [Id(3)] public int? LeaseMs { get; init; }

    /// <summary>How long to wait in the queue when not granted at once; 0 answers at once.</summary>
    [Id(4)] public int WaitMs { get; init; }
}
