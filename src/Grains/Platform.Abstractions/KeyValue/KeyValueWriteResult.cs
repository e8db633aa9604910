namespace Platform.KeyValue;

/// <summary>The outcome of a write. Outcomes travel as values, not exceptions: they are expected answers.</summary>
[GenerateSerializer, Immutable, Alias("Platform.KvWriteResult")]
public sealed record KeyValueWriteResult
{
    [Id(0)] public required KeyValueWriteStatus Status { get; init; }

    /// <summary>The version written (Ok), or the current version (0 if absent) when a precondition failed.</summary>
    [Id(1)] public long Version { get; init; }

    [Id(2)] public string? Detail { get; init; }

    /// <summary>Ok for a put: the key did not exist before (never written, or deleted).</summary>
    [Id(3)] public bool Created { get; init; }

    public static KeyValueWriteResult Ok(long version, bool created = false) => new() { Status = KeyValueWriteStatus.Ok, Version = version, Created = created };
}
