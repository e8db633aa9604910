namespace Platform.KeyValue.Storage;

/// <summary>A conditional write found a different ETag: someone else (another activation) wrote the key.</summary>
public sealed class ShardStorageConflictException : Exception
{
    public ShardStorageConflictException()
    {
    }

    public ShardStorageConflictException(string message)
        : base(message)
    {
    }

    public ShardStorageConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
