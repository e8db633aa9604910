namespace Platform.Client.Host.EventLog;

/// <summary>A partition's first stored offset, the offset its next record gets, and the silo its grain runs on now.</summary>
public sealed record PartitionOffsetsResponse(int Partition, long Earliest, long Latest, string? Silo);
