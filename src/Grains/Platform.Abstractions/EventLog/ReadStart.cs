namespace Platform.EventLog;

/// <summary>Where a read starts: an offset, the earliest record, the end (only new records), or the first record at or after a time.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.ReadStart")]
public sealed record ReadStart
{
    [Id(0)] public long? Offset { get; init; }

    [Id(1)] public bool Latest { get; init; }

    [Id(2)] public DateTimeOffset? Timestamp { get; init; }

    public static ReadStart Earliest { get; } = new();

    public static ReadStart At(long offset) => new() { Offset = offset };
}
