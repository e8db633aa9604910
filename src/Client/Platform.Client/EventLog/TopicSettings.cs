namespace Platform.EventLog;

/// <summary>A topic to create: each unset member takes its default (partitions <c>DefaultPartitions</c>, cleanup delete, no retention, maxRecordBytes <c>MaxRecordBytes</c>).</summary>
public sealed record TopicSettings
{
    public int? Partitions { get; init; }

    public long? RetentionMs { get; init; }

    public long? RetentionBytes { get; init; }

    public TopicCleanup Cleanup { get; init; }

    public int? MaxRecordBytes { get; init; }
}
