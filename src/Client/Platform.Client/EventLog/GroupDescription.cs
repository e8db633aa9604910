namespace Platform.EventLog;

/// <summary>A consumer group with the lag of every partition of its subscribed and committed topics.</summary>
public sealed record GroupDescription(GroupView Group, IReadOnlyList<PartitionLag> Partitions);
