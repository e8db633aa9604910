using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.Bench.Load.Locks;

/// <summary>
/// Platform's HTTP API: <c>POST /v1/locks/{name}/acquire|release</c> and <c>PUT /v1/kv/{ns}/{key}</c> (optionally
/// fenced), over pooled HTTP/1.1 keep-alive connections shared by all workers (one HttpClient, like an application).
/// </summary>
internal sealed class PlatformLockClient : ILockClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");

    private readonly HttpClient _http;
    private readonly int _leaseMs;

    public PlatformLockClient(Uri baseUrl, int connections, int leaseMs)
    {
        _http = BenchHttp.CreateClient(baseUrl, connections, TimeSpan.FromSeconds(60));
        _leaseMs = leaseMs;
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public async Task<long?> TryAcquireAsync(string name, string owner, int waitMs, CancellationToken cancellationToken)
    {
        var body = $$"""{"owner":"{{owner}}","leaseMs":{{_leaseMs}},"waitMs":{{waitMs}},"mode":"exclusive"}""";
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = Json;
        using var response = await _http.PostAsync($"/v1/locks/{name}/acquire", content, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return null;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"acquire {name}: {(int)response.StatusCode}", null, response.StatusCode);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
        return document.RootElement.GetProperty("token").GetInt64();
    }

    public async Task ReleaseAsync(string name, string owner, long token, CancellationToken cancellationToken)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $$"""{"owner":"{{owner}}","token":{{token}}}""");
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = Json;
        using var response = await _http.PostAsync($"/v1/locks/{name}/release", content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw new HttpRequestException($"release {name} token {token}: {(int)response.StatusCode}", null, response.StatusCode);
        }
    }

    /// <summary>PUT /v1/kv/{ns}/{key}, with <c>Platform-Fence: {fence}</c> when given.</summary>
    public async Task PutAsync(string ns, string key, byte[] value, string? fence, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/kv/{ns}/{key}") { Content = new ByteArrayContent(value) };
        request.Content.Headers.ContentType = OctetStream;
        if (fence is not null)
        {
            request.Headers.TryAddWithoutValidation("Platform-Fence", fence);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
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
