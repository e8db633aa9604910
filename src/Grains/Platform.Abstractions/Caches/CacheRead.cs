namespace Platform.Caches;

/// <summary>A shard's answer to a read: the entry (null: a miss) and the shard's change sequence when it answered.</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheRead")]
public sealed record CacheRead
{
    [Id(0)] public CacheEntry? Entry { get; init; }

    [Id(1)] public long Sequence { get; init; }
}
