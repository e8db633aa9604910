namespace Platform.Client.Host.EventLog;

/// <summary>A committed offset: the next offset to consume of one partition.</summary>
public sealed record OffsetBody(string? Topic, int? Partition, long? Offset);
