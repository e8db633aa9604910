namespace Platform.EventLog;

/// <summary>A partition's bounds: the first offset stored and the offset the next record will get; and the silo its grain runs on now.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.PartitionOffsets")]
public sealed record PartitionOffsets([property: Id(0)] int Partition, [property: Id(1)] long Earliest, [property: Id(2)] long Latest, [property: Id(3)] string? Silo = null);
