namespace Platform.EventLog.Storage;

/// <summary>A partition as loaded: its head with the ETag to write it with (null: never written), and its records in offset order.</summary>
public sealed record StoredPartition(PartitionHead Head, string? ETag, IReadOnlyList<LogRecord> Records);
