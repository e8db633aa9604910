namespace Platform.Caches;

/// <summary>A cache's capacity, split over its shards: at most <see cref="Entries"/> entries and, when set, <see cref="Bytes"/> bytes.</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheCapacity")]
public sealed record CacheCapacity
{
    [Id(0)] public long Entries { get; init; }

    /// <summary>Bytes of keys, values, content types and tags; null: no byte bound.</summary>
    [Id(1)] public long? Bytes { get; init; }
}
