using System.Net;
using System.Net.Http.Headers;
using Platform.Testing.Http;

namespace Platform.Bench.Load.Caches;

/// <summary>The HTTP API of caches: <c>GET</c>/<c>PUT /v1/caches/{name}/entries/{key}</c> over pooled keep-alive connections.</summary>
internal sealed class HttpCacheTarget : IKeyValueTarget
{
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");
    private readonly PlatformApiClient _api;
    private readonly string _prefix;

    private HttpCacheTarget(PlatformApiClient api, string cache)
    {
        _api = api;
        _prefix = $"/v1/caches/{Uri.EscapeDataString(cache)}/entries/";
        Name = $"cache-http ({cache})";
    }

    public string Name { get; }

    /// <summary>Creates the cache (or finds it unchanged) and connects.</summary>
    public static async Task<HttpCacheTarget> CreateAsync(Uri baseUrl, string cache, bool near, int connections, CancellationToken cancellationToken)
    {
        var api = PlatformApiClient.Connect(baseUrl, connections, TimeSpan.FromSeconds(30));
        (await api.SendJsonAsync(HttpMethod.Put, $"/v1/caches/{Uri.EscapeDataString(cache)}", BenchCaches.Json(near), cancellationToken))
            .Expect(HttpStatusCode.OK, HttpStatusCode.Created);
        return new HttpCacheTarget(api, cache);
    }

    public async Task GetAsync(string key, CancellationToken cancellationToken) =>
        (await _api.SendAsync(HttpMethod.Get, _prefix + key, null, null, cancellationToken)).Expect(HttpStatusCode.OK);

    public async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        (await _api.SendAsync(HttpMethod.Put, _prefix + key, () => new ByteArrayContent(value) { Headers = { ContentType = OctetStream } }, null, cancellationToken))
            .Expect(HttpStatusCode.OK, HttpStatusCode.Created);

    public ValueTask DisposeAsync()
    {
        _api.Dispose();
        return ValueTask.CompletedTask;
    }
}
