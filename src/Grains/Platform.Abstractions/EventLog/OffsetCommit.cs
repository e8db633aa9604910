namespace Platform.EventLog;

/// <summary>A committed position: the next offset to consume of one partition.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.OffsetCommit")]
public sealed record OffsetCommit([property: Id(0)] string Topic, [property: Id(1)] int Partition, [property: Id(2)] long Offset);
