namespace Platform.KeyValue;

/// <summary>One stored key: its bytes, content type and version (1 on create, +1 per write).</summary>
[GenerateSerializer, Immutable, Alias("Platform.KvEntry")]
public sealed record KeyValueEntry
{
    [Id(0)] public required string Key { get; init; }

    [Id(1)] public required byte[] Value { get; init; }

    [Id(2)] public string? ContentType { get; init; }

    [Id(3)] public required long Version { get; init; }

    [Id(4)] public DateTimeOffset ModifiedAt { get; init; }

    /// <summary>
    /// Per lock name, the highest fencing token a write of this key presented (null: never written fenced). Never
    /// changed in place; a fenced write with a lower token for that lock is refused.
    /// </summary>
    [Id(5)] public Dictionary<string, long>? Fences { get; init; }
}
