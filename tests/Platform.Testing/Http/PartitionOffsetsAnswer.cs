namespace Platform.Testing.Http;

/// <summary>A partition's first stored offset, the offset its next record gets, and the silo hosting it now.</summary>
public sealed record PartitionOffsetsAnswer(int Partition, long Earliest, long Latest, string? Silo);
