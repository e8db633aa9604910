namespace Platform.EventLog.Storage;

/// <summary>The partition's head changed since it was read: another activation wrote it. Nothing of this write was stored.</summary>
public sealed class PartitionStorageConflictException : Exception
{
    public PartitionStorageConflictException()
    {
    }

    public PartitionStorageConflictException(string message)
        : base(message)
    {
    }

    public PartitionStorageConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
