namespace Platform.Replication.Quorum;

/// <summary>What a multi-leader write does to its key.</summary>
[GenerateSerializer, Alias("Platform.VersionedOperation")]
public enum VersionedOperation
{
    Put = 0,
    Delete = 1,
    CounterAdd = 2,
    SetAdd = 3,
    SetRemove = 4,
}
