namespace Platform.Caches;

/// <summary>One key waiting for the source: its latest value (null: a delete), when it was queued and is due, and how often it failed.</summary>
public sealed record WriteBehindWrite
{
    public required string Key { get; init; }

    public byte[]? Value { get; init; }

    public string? ContentType { get; init; }

    public DateTimeOffset DueAt { get; init; }

    /// <summary>When this waiting write was queued (kept as later writes coalesce into it).</summary>
    public DateTimeOffset QueuedAt { get; init; }

    /// <summary>When the key's oldest write not yet in the source was queued: this one, or one in flight before it.</summary>
    public DateTimeOffset OldestAt { get; init; }

    public int Attempts { get; init; }
}
