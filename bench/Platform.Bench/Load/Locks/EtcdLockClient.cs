using System.Net;
using System.Text;
using System.Text.Json;

namespace Platform.Bench.Load.Locks;

/// <summary>
/// etcd's lock service (v3lock, what <c>etcdctl lock</c> uses) over etcd's JSON gateway, as a clientv3 session
/// does it: one lease per worker (granted once, TTL 60 s), <c>POST /v3/lock/lock {name, lease}</c> waits in
/// etcd's queue (revision order) until granted, <c>POST /v3/lock/unlock {key}</c> releases.
/// The HttpClient is shared by all workers and not owned.
/// </summary>
internal sealed class EtcdLockClient : ILockClient
{
    private readonly HttpClient _http;
    private readonly string _lease;
    private readonly Dictionary<string, string> _keys = [];

    private EtcdLockClient(HttpClient http, string lease)
    {
        _http = http;
        _lease = lease;
    }

    public static async Task<EtcdLockClient> ConnectAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var answer = await PostAsync(http, "/v3/lease/grant", """{"TTL":60}""", cancellationToken);
        return new EtcdLockClient(http, answer.RootElement.GetProperty("ID").GetString()
            ?? throw new InvalidOperationException("etcd: lease grant without ID"));
    }

    public async Task<long?> TryAcquireAsync(string name, string owner, int waitMs, CancellationToken cancellationToken)
    {
        var body = $$"""{"name":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(name))}}","lease":"{{_lease}}"}""";
        using var answer = await PostAsync(_http, "/v3/lock/lock", body, cancellationToken);
        _keys[name] = answer.RootElement.GetProperty("key").GetString() ?? throw new InvalidOperationException("etcd: lock without key");
        return 0;
    }

    public async Task ReleaseAsync(string name, string owner, long token, CancellationToken cancellationToken)
    {
        if (!_keys.Remove(name, out var key))
        {
            throw new InvalidOperationException($"etcd: {name} is not held by this worker");
        }

        using var answer = await PostAsync(_http, "/v3/lock/unlock", $$"""{"key":"{{key}}"}""", cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var answer = await PostAsync(_http, "/v3/lease/revoke", $$"""{"ID":"{{_lease}}"}""", CancellationToken.None);
        }
        catch (HttpRequestException)
        {
            // The lease runs out on its own.
        }
    }

    private static async Task<JsonDocument> PostAsync(HttpClient http, string path, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"etcd {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}", null, response.StatusCode);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(stream, default, cancellationToken);
    }
}
