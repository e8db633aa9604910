namespace Platform.Caches;

/// <summary>A cache as it exists: its spec and generation (a new one each time the name is created or changed).</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheSettings")]
public sealed record CacheSettings
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public required CacheSpec Spec { get; init; }

    [Id(2)] public required long Generation { get; init; }

    [Id(3)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The entries a shard holds at most: the cache's capacity split over its shards (the first shards take the remainder).</summary>
    public long EntriesOf(int shard) => Split(Spec.Capacity.Entries, shard);

    /// <summary>The bytes a shard holds at most; null: no byte bound.</summary>
    public long? BytesOf(int shard) => Spec.Capacity.Bytes is { } bytes ? Split(bytes, shard) : null;

    private long Split(long total, int shard) => (total / Spec.Shards) + (shard < total % Spec.Shards ? 1 : 0);
}
