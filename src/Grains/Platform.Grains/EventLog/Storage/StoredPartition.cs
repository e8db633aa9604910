namespace Platform.EventLog.Storage;

/// <summary>
/// A partition as loaded: its head with the ETag to write it with (null: never written), its segments in offset order,
/// and its tail: every stored record from <see cref="TailStart"/> on (the recent window the grain keeps in memory).
/// </summary>
public sealed record StoredPartition(PartitionHead Head, string? ETag, IReadOnlyList<SegmentInfo> Segments, long TailStart, IReadOnlyList<LogRecord> Tail);
