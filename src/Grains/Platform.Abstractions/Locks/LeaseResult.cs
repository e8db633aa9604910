namespace Platform.Locks;

/// <summary>The answer of acquire, renew and release. Refusals are values, not exceptions: they are expected answers.</summary>
[GenerateSerializer, Immutable, Alias("Platform.LeaseResult")]
public sealed record LeaseResult
{
    [Id(0)] public required LeaseStatus Status { get; init; }

    /// <summary>The lease granted or renewed (Ok, except for release).</summary>
    [Id(1)] public LeaseHolder? Lease { get; init; }

    /// <summary>Current holders, for a refusal's answer.</summary>
    [Id(2)] public IReadOnlyList<LeaseHolder> Holders { get; init; } = [];

    [Id(3)] public int QueueLength { get; init; }

    [Id(4)] public string? Detail { get; init; }
}
