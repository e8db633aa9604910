namespace Platform.Testing.Http;

/// <summary>One partition of a described group: committed offset, bounds, lag and holder.</summary>
public sealed record GroupPartitionAnswer(string Topic, int Partition, long? Committed, long Earliest, long Latest, long Lag, string? MemberId);
