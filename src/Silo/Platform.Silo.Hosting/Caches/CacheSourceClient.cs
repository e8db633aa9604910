using System.Net;
using System.Net.Http.Headers;
using Platform.Caches;
using Platform.KeyValue;

namespace Platform.Silo.Hosting.Caches;

/// <summary>
/// The cache shards' source: a key-value namespace through the typed client (<see cref="IKeyValueStore"/>: its routing,
/// retries and versions), or an HTTP URL template through a named <see cref="HttpClient"/> with the standard
/// resilience handler (retries with backoff, circuit breaker, timeouts).
/// </summary>
public sealed class CacheSourceClient(IKeyValueStore store, IHttpClientFactory http) : ICacheSourceClient
{
    /// <summary>The named HTTP client of HTTP sources.</summary>
    public const string HttpClientName = "Platform.Caches.Source";

    public async Task<CacheSourceValue?> LoadAsync(string cache, CacheSource source, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Namespace is { } ns)
        {
            var entry = await store.GetAsync(ns, key, cancellationToken);
            return entry is null ? null : new CacheSourceValue(entry.Value, entry.ContentType, entry.Version);
        }

        using var response = await Client.GetAsync(Url(source, key), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var value = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new CacheSourceValue(value, response.Content.Headers.ContentType?.ToString(), null);
    }

    public async Task<long?> WriteAsync(string cache, CacheSource source, string key, byte[] value, string? contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Namespace is { } ns)
        {
            return await store.PutAsync(ns, key, value, new KeyValuePutOptions { ContentType = contentType }, cancellationToken);
        }

        using var content = new ByteArrayContent(value);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await Client.PutAsync(Url(source, key), content, cancellationToken);
        response.EnsureSuccessStatusCode();
        return null;
    }

    public async Task DeleteAsync(string cache, CacheSource source, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Namespace is { } ns)
        {
            try
            {
                await store.DeleteAsync(ns, key, cancellationToken: cancellationToken);
            }
            catch (Platform.Errors.PlatformNotFoundException)
            {
                // Absent already.
            }

            return;
        }

        using var response = await Client.DeleteAsync(Url(source, key), cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    private HttpClient Client => http.CreateClient(HttpClientName);

    private static Uri Url(CacheSource source, string key) =>
        new(source.Http!.Replace("{key}", Uri.EscapeDataString(key), StringComparison.Ordinal));
}
