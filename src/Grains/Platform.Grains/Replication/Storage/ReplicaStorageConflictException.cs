namespace Platform.Replication.Storage;

/// <summary>Another activation of the same replica wrote its state: this activation's view is stale and it must stop.</summary>
public sealed class ReplicaStorageConflictException : Exception
{
    public ReplicaStorageConflictException()
    {
    }

    public ReplicaStorageConflictException(string message)
        : base(message)
    {
    }

    public ReplicaStorageConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
