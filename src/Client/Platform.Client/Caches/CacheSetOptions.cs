namespace Platform.Caches;

/// <summary>How one entry is set: its content type, TTL (null: the cache's default), sliding expiry, tags, source version, conditions.</summary>
public sealed record CacheSetOptions
{
    public string? ContentType { get; init; }

    public TimeSpan? Ttl { get; init; }

    /// <summary>Each read extends the entry's life by this much, never past <see cref="Ttl"/>.</summary>
    public TimeSpan? Sliding { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The source version of the value; a set older than the cached entry's is not applied (<see cref="CacheSetStatus.Stale"/>).</summary>
    public long? SourceVersion { get; init; }

    /// <summary>Only when the entry's version (ETag) is this; else <c>PlatformPreconditionFailedException</c>.</summary>
    public long? IfVersion { get; init; }

    /// <summary>Only when the key is not cached; else <c>PlatformPreconditionFailedException</c>.</summary>
    public bool IfAbsent { get; init; }
}
