using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Platform.Bench.Load.Log;

/// <summary>
/// Redis streams: a batch is that many <c>XADD</c>s pipelined on one connection (one stream per topic); the
/// consumer is a group member reading with <c>XREADGROUP ... BLOCK</c>. One pooled connection per request in flight.
/// </summary>
internal sealed class RedisStreamsTarget(string host, int port) : ILogTarget
{
    private readonly ConcurrentBag<RespClient> _pool = [];
    private readonly ConcurrentBag<RespClient> _all = [];

    public string Name => "redis-streams";

    public async Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken)
    {
        var client = await RentAsync(cancellationToken);
        await client.CallAsync(cancellationToken, "DEL", topic);
        _pool.Add(client);
    }

    public async Task ProduceAsync(string topic, string key, IReadOnlyList<byte[]> values, CancellationToken cancellationToken)
    {
        var client = await RentAsync(cancellationToken);
        foreach (var value in values)
        {
            client.Queue("XADD", topic, "*", "k", key, "v", value);
        }

        await client.FlushAsync(cancellationToken);
        for (var i = 0; i < values.Count; i++)
        {
            _ = await client.ReadAsync(cancellationToken);
        }

        _pool.Add(client);
    }

    public async IAsyncEnumerable<byte[]> ConsumeAsync(string topic, string group, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var client = await RespClient.ConnectAsync(host, port, cancellationToken);
        await client.CallAsync(cancellationToken, "XGROUP", "CREATE", topic, group, "$", "MKSTREAM");
        while (!cancellationToken.IsCancellationRequested)
        {
            var reply = await client.CallAsync(cancellationToken, "XREADGROUP", "GROUP", group, "c1", "COUNT", "1000", "BLOCK", "5000", "NOACK", "STREAMS", topic, ">");
            if (reply is not object?[] streams)
            {
                continue;
            }

            foreach (var stream in streams.Cast<object?[]>())
            {
                foreach (var entry in ((object?[])stream[1]!).Cast<object?[]>())
                {
                    var fields = (object?[])entry[1]!;
                    yield return (byte[])fields[3]!;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _all)
        {
            await client.DisposeAsync();
        }
    }

    private async Task<RespClient> RentAsync(CancellationToken cancellationToken)
    {
        if (_pool.TryTake(out var client))
        {
            return client;
        }

        client = await RespClient.ConnectAsync(host, port, cancellationToken);
        _all.Add(client);
        return client;
    }
}
