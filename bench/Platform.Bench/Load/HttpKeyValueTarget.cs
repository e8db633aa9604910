using System.Net;
using Platform.Testing.Http;

namespace Platform.Bench.Load;

/// <summary>
/// The HTTP API: <c>GET</c>/<c>PUT /v1/kv/{ns}/{key}</c> through the kit's client over pooled HTTP/1.1 keep-alive
/// connections; reads carry <c>Platform-Consistency</c> when <paramref name="consistency"/> is set (replicated namespaces).
/// </summary>
internal sealed class HttpKeyValueTarget(Uri baseUrl, string ns, int connections, string? consistency = null) : IKeyValueTarget
{
    private readonly PlatformApiClient _api = PlatformApiClient.Connect(baseUrl, connections, TimeSpan.FromSeconds(30));

    public string Name => consistency is null ? "kv-http" : $"kv-http ({consistency})";

    public async Task GetAsync(string key, CancellationToken cancellationToken)
    {
        if (consistency is null)
        {
            (await _api.GetKeyAsync(ns, key, cancellationToken: cancellationToken)).Expect(HttpStatusCode.OK);
            return;
        }

        var path = $"/v1/kv/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(key)}";
        (await _api.SendAsync(HttpMethod.Get, path, null, r => r.Headers.Add("Platform-Consistency", consistency), cancellationToken)).Expect(HttpStatusCode.OK);
    }

    public async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        (await _api.PutKeyAsync(ns, key, value, cancellationToken: cancellationToken)).Expect(HttpStatusCode.OK, HttpStatusCode.Created);

    public ValueTask DisposeAsync()
    {
        _api.Dispose();
        return ValueTask.CompletedTask;
    }
}
