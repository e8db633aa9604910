namespace Platform.Replication.Quorum;

/// <summary>A key as a replica lists it: its newest stamp (packed), value size and whether it is a tombstone.</summary>
[GenerateSerializer, Immutable, Alias("Platform.VersionedKeyInfo")]
public readonly record struct VersionedKeyInfo(
    [property: Id(0)] string Key,
    [property: Id(1)] long Version,
    [property: Id(2)] int Size,
    [property: Id(3)] bool Deleted);
