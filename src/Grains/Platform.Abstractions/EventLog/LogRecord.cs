namespace Platform.EventLog;

/// <summary>A stored record: its offset in the partition, key, value (null: tombstone), headers and append time.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.LogRecord")]
public sealed record LogRecord
{
    [Id(0)] public required long Offset { get; init; }

    [Id(1)] public string? Key { get; init; }

    [Id(2)] public byte[]? Value { get; init; }

    [Id(3)] public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>When the partition appended it; never earlier than the record before it.</summary>
    [Id(4)] public required DateTimeOffset Timestamp { get; init; }
}
