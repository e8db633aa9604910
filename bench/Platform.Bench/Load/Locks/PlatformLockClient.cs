using System.Net;
using Platform.Testing.Http;

namespace Platform.Bench.Load.Locks;

/// <summary>
/// Platform's HTTP API: <c>POST /v1/locks/{name}/acquire|release</c> and <c>PUT /v1/kv/{ns}/{key}</c> (optionally
/// fenced), through the kit's client over pooled HTTP/1.1 keep-alive connections shared by all workers (one
/// HttpClient, like an application).
/// </summary>
internal sealed class PlatformLockClient(Uri baseUrl, int connections, int leaseMs) : ILockClient
{
    private readonly PlatformApiClient _api = PlatformApiClient.Connect(baseUrl, connections, TimeSpan.FromSeconds(60));

    public Uri BaseAddress { get; } = baseUrl;

    public async Task<long?> TryAcquireAsync(string name, string owner, int waitMs, CancellationToken cancellationToken)
    {
        var answer = await _api.AcquireLockAsync(name, owner, leaseMs, waitMs, "exclusive", cancellationToken);
        return answer.StatusCode == HttpStatusCode.Conflict ? null : answer.Ok(HttpStatusCode.OK).Token;
    }

    public async Task ReleaseAsync(string name, string owner, long token, CancellationToken cancellationToken) =>
        (await _api.ReleaseLockAsync(name, owner, token, cancellationToken)).Expect(HttpStatusCode.NoContent);

    /// <summary>PUT /v1/kv/{ns}/{key}, with <c>Platform-Fence: {lock}:{token}</c> when a fence is given.</summary>
    public async Task PutAsync(string ns, string key, byte[] value, (string Lock, long Token)? fence, CancellationToken cancellationToken)
    {
        var conditions = fence is { } f ? KeyValueConditions.Fenced(f.Lock, f.Token) : null;
        (await _api.PutKeyAsync(ns, key, value, conditions, cancellationToken)).Expect(HttpStatusCode.OK, HttpStatusCode.Created);
    }

    public ValueTask DisposeAsync()
    {
        _api.Dispose();
        return ValueTask.CompletedTask;
    }
}
