namespace Platform.Replication.Quorum;

/// <summary>What a replica needs to know of its group, carried by every call (so a replica never asks its namespace).</summary>
[GenerateSerializer, Immutable, Alias("Platform.VersionedGroup")]
public sealed record VersionedGroup
{
    [Id(0)] public required int Replicas { get; init; }

    [Id(1)] public required ReplicationMode Mode { get; init; }

    [Id(2)] public ConflictMode? Conflicts { get; init; }

    public static VersionedGroup From(ReplicationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new() { Replicas = settings.Replicas, Mode = settings.Mode, Conflicts = settings.Conflicts };
    }
}
