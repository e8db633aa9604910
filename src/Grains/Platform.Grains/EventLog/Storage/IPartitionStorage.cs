namespace Platform.EventLog.Storage;

/// <summary>
/// Durable segments of partitions. An append writes its records (a chunk of one segment) and the new head in one
/// all-or-nothing write, conditional on the head's ETag, so of two activations of one partition only one can store a
/// given offset. Retention moves the head's earliest offset (ETag-checked) and deletes whole segments below it;
/// compaction rewrites a closed segment's chunks in place, never changing an offset.
/// </summary>
public interface IPartitionStorage
{
    /// <summary>The head, every segment's bounds, and the records of the last chunks holding at least <paramref name="tailBytes"/> (whole chunks).</summary>
    Task<StoredPartition> LoadAsync(PartitionId partition, long tailBytes = long.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="records"/> as a chunk of the segment starting at <paramref name="segment"/> and
    /// <paramref name="head"/> if the stored head's ETag is <paramref name="expectedETag"/> (null: no head may exist
    /// yet); returns the new ETag. Throws <see cref="PartitionStorageConflictException"/> when the condition fails (nothing stored).
    /// </summary>
    Task<string> AppendAsync(PartitionId partition, PartitionHead head, string? expectedETag, long segment, IReadOnlyList<LogRecord> records, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stored records with offsets from <paramref name="fromOffset"/> up to (not including) <paramref name="toOffset"/>,
    /// scanning chunks from the segment starting at <paramref name="segment"/>; at most <paramref name="limit"/> records
    /// and <paramref name="maxBytes"/> of values (at least one record).
    /// </summary>
    Task<IReadOnlyList<LogRecord>> ReadAsync(PartitionId partition, long segment, long fromOffset, long toOffset, int limit, long maxBytes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Retention: writes <paramref name="head"/> (its new <see cref="PartitionHead.EarliestOffset"/>, a segment
    /// boundary) if the stored ETag is <paramref name="expectedETag"/>, then deletes the chunks below it; returns the new ETag.
    /// </summary>
    Task<string> TruncateAsync(PartitionId partition, PartitionHead head, string expectedETag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Compaction: rewrites the closed segment <paramref name="segment"/> keeping only the records
    /// <paramref name="keep"/> accepts (offsets unchanged), chunk run by chunk run so that a crash between two writes
    /// leaves every record readable once; returns the segment with its new byte count.
    /// </summary>
    Task<SegmentInfo> CompactAsync(PartitionId partition, SegmentInfo segment, Func<LogRecord, bool> keep, CancellationToken cancellationToken = default);

    /// <summary>Deletes the records and leaves a dropped head (so a stale activation's next append fails its ETag).</summary>
    Task DropAsync(PartitionId partition, CancellationToken cancellationToken = default);
}
