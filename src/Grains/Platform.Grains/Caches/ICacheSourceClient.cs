namespace Platform.Caches;

/// <summary>
/// How cache shards reach their source (a key-value namespace, or an HTTP URL template). The silo registers the
/// implementation (<c>Platform.Silo.Hosting</c>: the typed key-value client and a resilient HTTP client); a failure
/// throws, and the shard answers it as 503.
/// </summary>
public interface ICacheSourceClient
{
    /// <summary>The key's value at the source; null when it has none.</summary>
    Task<CacheSourceValue?> LoadAsync(string cache, CacheSource source, string key, CancellationToken cancellationToken);

    /// <summary>Writes the key at the source; answers its version there (null for HTTP sources).</summary>
    Task<long?> WriteAsync(string cache, CacheSource source, string key, byte[] value, string? contentType, CancellationToken cancellationToken);

    /// <summary>Deletes the key at the source (absent is fine).</summary>
    Task DeleteAsync(string cache, CacheSource source, string key, CancellationToken cancellationToken);
}
