namespace Platform.Client.Host.EventLog;

/// <summary>A page of a partition: records, the offset to read next, and the partition's bounds.</summary>
public sealed record ReadResponse(IReadOnlyList<RecordResponse> Items, long NextOffset, long EarliestOffset, long LatestOffset);
