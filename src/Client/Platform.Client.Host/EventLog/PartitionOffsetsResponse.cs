namespace Platform.Client.Host.EventLog;

/// <summary>A partition's first stored offset and the offset its next record gets.</summary>
public sealed record PartitionOffsetsResponse(int Partition, long Earliest, long Latest);
