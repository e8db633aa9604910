namespace Platform.Caches;

/// <summary>
/// One cached entry. <see cref="Version"/> is the cache's own (the ETag; never repeats for one key of a cache, across
/// shard re-activations too), <see cref="SourceVersion"/> the key-value version it was loaded or written with.
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheEntry")]
public sealed record CacheEntry
{
    [Id(0)] public required string Key { get; init; }

    [Id(1)] public required byte[] Value { get; init; }

    [Id(2)] public string? ContentType { get; init; }

    [Id(3)] public required long Version { get; init; }

    [Id(4)] public long? SourceVersion { get; init; }

    [Id(5)] public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>When the entry expires; null: never by time.</summary>
    [Id(6)] public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Reads and writes of this entry since it was cached (the LFU count).</summary>
    [Id(7)] public long Uses { get; init; }

    /// <summary>The sliding expiration: each read moves <see cref="ExpiresAt"/> to now plus this, up to <see cref="AbsoluteExpiresAt"/>.</summary>
    [Id(8)] public int? SlidingMs { get; init; }

    [Id(9)] public DateTimeOffset? AbsoluteExpiresAt { get; init; }

    [Id(10)] public DateTimeOffset CachedAt { get; init; }

    /// <summary>The shard's clock when it answered this copy: the remaining TTL is <see cref="ExpiresAt"/> minus this.</summary>
    [Id(11)] public DateTimeOffset ReadAt { get; init; }
}
