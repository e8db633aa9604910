namespace Platform.Replication.Quorum;

/// <summary>A replica's states of the asked keys.</summary>
[GenerateSerializer, Immutable, Alias("Platform.VersionedReadResult")]
public sealed record VersionedReadResult
{
    [Id(0)] public bool Live { get; init; } = true;

    [Id(1)] public IReadOnlyList<VersionedEntry> Entries { get; init; } = [];

    [Id(2)] public string Replica { get; init; } = "";

    [Id(3)] public string? Silo { get; init; }
}
