using System.Net;
using System.Net.Http.Headers;

namespace Platform.Bench.Load;

/// <summary>The HTTP API: <c>GET</c>/<c>PUT /v1/kv/{ns}/{key}</c> over pooled HTTP/1.1 keep-alive connections.</summary>
internal sealed class HttpKeyValueTarget : IKeyValueTarget
{
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");

    private readonly HttpClient _http;
    private readonly string _prefix;

    public HttpKeyValueTarget(Uri baseUrl, string ns, int connections)
    {
        _http = BenchHttp.CreateClient(baseUrl, connections, TimeSpan.FromSeconds(30));
        _prefix = $"/v1/kv/{Uri.EscapeDataString(ns)}/";
    }

    public string Name => "kv-http";

    public async Task GetAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(_prefix + Uri.EscapeDataString(key), HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"GET {key}: {(int)response.StatusCode}", null, response.StatusCode);
        }
    }

    public async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(value);
        content.Headers.ContentType = OctetStream;
        using var response = await _http.PutAsync(_prefix + Uri.EscapeDataString(key), content, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created))
        {
            throw new HttpRequestException($"PUT {key}: {(int)response.StatusCode}", null, response.StatusCode);
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
