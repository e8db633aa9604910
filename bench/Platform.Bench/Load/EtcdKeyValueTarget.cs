using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.Bench.Load;

/// <summary>
/// etcd's key-value API over its JSON gateway (what clientv3 does over gRPC): <c>POST /v3/kv/put</c>, and
/// <c>POST /v3/kv/range</c> with <c>serializable: false</c>, etcd's linearizable read (ReadIndex through the leader).
/// Calls go round robin over every member's client URL, as a clientv3 balancer spreads them.
/// </summary>
internal sealed class EtcdKeyValueTarget : IKeyValueTarget
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient[] _members;
    private int _next;

    public EtcdKeyValueTarget(IReadOnlyList<Uri> endpoints, int connections)
    {
        _members = [.. endpoints.Select(e => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = e,
            Timeout = TimeSpan.FromSeconds(30),
        })];
    }

    public string Name => "etcd-kv";

    public async Task GetAsync(string key, CancellationToken cancellationToken)
    {
        using var doc = await PostAsync("/v3/kv/range", $$"""{"key":"{{B64(key)}}","serializable":false}""", cancellationToken);
        if (!doc.RootElement.TryGetProperty("kvs", out var kvs) || kvs.GetArrayLength() != 1)
        {
            throw new InvalidOperationException($"etcd: {key} not found");
        }
    }

    public async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        using var doc = await PostAsync("/v3/kv/put", $$"""{"key":"{{B64(key)}}","value":"{{Convert.ToBase64String(value)}}"}""", cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var m in _members)
        {
            m.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private async Task<JsonDocument> PostAsync(string path, string body, CancellationToken cancellationToken)
    {
        var member = _members[(int)((uint)Interlocked.Increment(ref _next) % (uint)_members.Length)];
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = Json;
        using var answer = await member.PostAsync(path, content, cancellationToken);
        var text = await answer.Content.ReadAsStringAsync(cancellationToken);
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"etcd {path}: {(int)answer.StatusCode} {text}");
        }

        return JsonDocument.Parse(text);
    }
}
