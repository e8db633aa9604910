namespace Platform.EventLog;

/// <summary>A page of a partition: records from the asked offset, the offset to read next, and the partition's bounds.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.ReadResult")]
public sealed record ReadResult
{
    [Id(0)] public required IReadOnlyList<LogRecord> Records { get; init; }

    [Id(1)] public required long NextOffset { get; init; }

    /// <summary>The first offset still stored.</summary>
    [Id(2)] public required long EarliestOffset { get; init; }

    /// <summary>The offset the next record will get (the end of the log).</summary>
    [Id(3)] public required long LatestOffset { get; init; }
}
