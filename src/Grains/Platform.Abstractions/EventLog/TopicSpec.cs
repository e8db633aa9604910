namespace Platform.EventLog;

/// <summary>A topic's settings as created (partitions may grow later).</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.TopicSpec")]
public sealed record TopicSpec
{
    [Id(0)] public required int Partitions { get; init; }

    /// <summary>Records older than this may be deleted by retention; null keeps them by time.</summary>
    [Id(1)] public long? RetentionMs { get; init; }

    /// <summary>A partition over this many bytes may lose its oldest records to retention; null keeps them by size.</summary>
    [Id(2)] public long? RetentionBytes { get; init; }

    [Id(3)] public TopicCleanup Cleanup { get; init; }

    /// <summary>Largest record of this topic, at most <see cref="EventLogOptions.MaxRecordBytes"/>.</summary>
    [Id(4)] public required int MaxRecordBytes { get; init; }
}
