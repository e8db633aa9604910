namespace Platform.Caches;

/// <summary>One key waiting for the source: its latest value (null: a delete), when it is due and how often it failed.</summary>
public sealed record WriteBehindWrite
{
    public required string Key { get; init; }

    public byte[]? Value { get; init; }

    public string? ContentType { get; init; }

    public DateTimeOffset DueAt { get; init; }

    public int Attempts { get; init; }
}
