namespace Platform.EventLog;

/// <summary>One partition as a group sees it: its committed offset (null: none), the log's end, and the lag between them.</summary>
public sealed record PartitionLag(string Topic, int Partition, long? Committed, long Earliest, long Latest, long Lag, string? MemberId);
