namespace Platform.Caches;

/// <summary>One set of an entry (checked by the typed client; the shard checks what depends on its state).</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheSetRequest")]
public sealed record CacheSetRequest
{
    [Id(0)] public required string Key { get; init; }

    [Id(1)] public required byte[] Value { get; init; }

    [Id(2)] public string? ContentType { get; init; }

    /// <summary>TTL of this entry; null: the cache's default.</summary>
    [Id(3)] public int? TtlMs { get; init; }

    [Id(4)] public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The source version this value has; a set older than the cached entry's is not applied.</summary>
    [Id(5)] public long? SourceVersion { get; init; }

    /// <summary>Sliding expiration (reads extend the entry's life by this much, up to the TTL).</summary>
    [Id(6)] public int? SlidingMs { get; init; }

    /// <summary>Only when the entry's version is this (If-Match).</summary>
    [Id(7)] public long? IfVersion { get; init; }

    /// <summary>Only when no entry exists (If-None-Match: *).</summary>
    [Id(8)] public bool IfAbsent { get; init; }
}
