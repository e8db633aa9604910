namespace Platform.Client.Host.EventLog;

/// <summary>A partition as a group sees it: committed offset, the log's bounds, lag and its holder.</summary>
public sealed record GroupPartitionResponse(string Topic, int Partition, long? Committed, long Earliest, long Latest, long Lag, string? MemberId);
