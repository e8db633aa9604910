namespace Platform.Locks;

/// <summary>A lock, semaphore or election as it is now.</summary>
[GenerateSerializer, Immutable, Alias("Platform.LeaseView")]
public sealed record LeaseView
{
    [Id(0)] public required LeaseKind Kind { get; init; }

    [Id(1)] public required string Name { get; init; }

    [Id(2)] public IReadOnlyList<LeaseHolder> Holders { get; init; } = [];

    [Id(3)] public int QueueLength { get; init; }

    /// <summary>The highest token ever granted (0: none yet).</summary>
    [Id(4)] public long LastToken { get; init; }

    /// <summary>Semaphores: the configured permits (null until set). Locks and elections: null.</summary>
    [Id(5)] public int? Permits { get; init; }

    /// <summary>The silo that hosts the grain now.</summary>
    [Id(6)] public string? Silo { get; init; }

    /// <summary>The leader of an election (its only holder), if any.</summary>
    public LeaseHolder? Leader => Holders.Count > 0 ? Holders[0] : null;
}
