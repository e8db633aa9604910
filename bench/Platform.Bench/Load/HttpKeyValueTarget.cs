using System.Net;
using Platform.Testing.Http;

namespace Platform.Bench.Load;

/// <summary>The HTTP API: <c>GET</c>/<c>PUT /v1/kv/{ns}/{key}</c> through the kit's client over pooled HTTP/1.1 keep-alive connections.</summary>
internal sealed class HttpKeyValueTarget(Uri baseUrl, string ns, int connections) : IKeyValueTarget
{
    private readonly PlatformApiClient _api = PlatformApiClient.Connect(baseUrl, connections, TimeSpan.FromSeconds(30));

    public string Name => "kv-http";

    public async Task GetAsync(string key, CancellationToken cancellationToken) =>
        (await _api.GetKeyAsync(ns, key, cancellationToken: cancellationToken)).Expect(HttpStatusCode.OK);

    public async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        (await _api.PutKeyAsync(ns, key, value, cancellationToken: cancellationToken)).Expect(HttpStatusCode.OK, HttpStatusCode.Created);

    public ValueTask DisposeAsync()
    {
        _api.Dispose();
        return ValueTask.CompletedTask;
    }
}
