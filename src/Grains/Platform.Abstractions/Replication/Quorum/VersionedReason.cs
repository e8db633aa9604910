namespace Platform.Replication.Quorum;

/// <summary>Which mechanism brought a state to a replica.</summary>
[GenerateSerializer, Alias("Platform.VersionedReason")]
public enum VersionedReason
{
    Write = 0,
    ReadRepair = 1,
    Hint = 2,
    AntiEntropy = 3,
    Replication = 4,

    /// <summary>Found in the replica's store, written there by another activation of the same replica.</summary>
    Storage = 5,
}
