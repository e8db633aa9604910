namespace Platform.KeyValue;

/// <summary>
/// One stored key: its bytes, content type and version (1 on the first create, +1 per write; a key re-created after a
/// delete continues above the deleted version, so a version never names two contents of one key).
/// </summary>
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
    /// changed in place; a fenced write with a lower token for that lock is refused. At most
    /// <see cref="KeyValueOptions.MaxFencesPerKey"/> entries; carried over by unfenced writes and deletes.
    /// </summary>
    [Id(5)] public Dictionary<string, long>? Fences { get; init; }

    /// <summary>
    /// A tombstone: the key was deleted at <see cref="Version"/> (no value). Kept in shard storage so that a re-created
    /// key continues above that version and a fenced delete's fence record survives. Shards never answer tombstones.
    /// </summary>
    [Id(6)] public bool Deleted { get; init; }
}
