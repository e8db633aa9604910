namespace Platform.Testing.Http;

/// <summary>A partition's first stored offset and the offset its next record gets.</summary>
public sealed record PartitionOffsetsAnswer(int Partition, long Earliest, long Latest);
