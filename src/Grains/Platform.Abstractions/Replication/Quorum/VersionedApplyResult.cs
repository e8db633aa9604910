namespace Platform.Replication.Quorum;

/// <summary>A replica's answer to merged states: how many keys changed, and its clock (the coordinator observes it).</summary>
[GenerateSerializer, Immutable, Alias("Platform.VersionedApplyResult")]
public sealed record VersionedApplyResult
{
    [Id(0)] public bool Live { get; init; } = true;

    [Id(1)] public int Changed { get; init; }

    [Id(2)] public long ClockWallMs { get; init; }

    [Id(3)] public int ClockCounter { get; init; }

    /// <summary>Keys of the batch that had a live value here before (a put then answers 200, not 201).</summary>
    [Id(4)] public int Existed { get; init; }
}
