namespace Platform.EventLog.Storage;

/// <summary>
/// Durable segments of partitions. An append writes its records and the new head in one all-or-nothing write,
/// conditional on the head's ETag, so of two activations of one partition only one can store a given offset.
/// </summary>
public interface IPartitionStorage
{
    Task<StoredPartition> LoadAsync(PartitionId partition, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="records"/> and <paramref name="head"/> if the stored head's ETag is
    /// <paramref name="expectedETag"/> (null: no head may exist yet); returns the new ETag. Throws
    /// <see cref="PartitionStorageConflictException"/> when the condition fails (nothing stored).
    /// </summary>
    Task<string> AppendAsync(PartitionId partition, PartitionHead head, string? expectedETag, IReadOnlyList<LogRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Deletes the records and leaves a dropped head (so a stale activation's next append fails its ETag).</summary>
    Task DropAsync(PartitionId partition, CancellationToken cancellationToken = default);
}
