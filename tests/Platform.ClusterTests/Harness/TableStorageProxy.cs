using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.Testing.Network;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// A TCP proxy between one silo process and Azurite's Table endpoint, for crashes at a point the test controls with
/// no hook in the product: give the silo <see cref="ConnectionString"/> (the real one with the proxy's port). It reads
/// every HTTP request, relays it and its answer unchanged, and shows each entity-group batch (<c>POST .../$batch</c>)
/// to <c>inspect</c>, parsed into its operations. When <c>inspect</c> answers other than
/// <see cref="TableProxyAction.Forward"/>, the proxy freezes (no later request of the silo reaches storage, no answer
/// reaches it), passes the batch on or not, waits for storage's answer when it did, and calls <c>cut</c> (which
/// SIGKILLs the silo). HTTP/1.1 without pipelining, as Azure.Core's HttpClient sends it.
/// </summary>
public sealed partial class TableStorageProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly Func<IReadOnlyList<TableBatchOperation>, TableProxyAction> _inspect;
    private readonly Func<IReadOnlyList<TableBatchOperation>, string, Task> _cut;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TcpClient> _connections = [];
    private readonly Lock _decide = new();
    private readonly Task _accepting;
    private volatile bool _frozen;
    private int _batches;

    /// <param name="connectionString">The Azure Table connection string of the real storage (<c>TableEndpoint=http://127.0.0.1:port/...</c>).</param>
    /// <param name="inspect">Decides for each batch; called one batch at a time.</param>
    /// <param name="cut">Called once after a cut, with the batch and storage's answer to it ("" when held).</param>
    public TableStorageProxy(string connectionString, Func<IReadOnlyList<TableBatchOperation>, TableProxyAction> inspect, Func<IReadOnlyList<TableBatchOperation>, string, Task> cut)
    {
        var endpoint = TableEndpoint().Match(connectionString);
        if (!endpoint.Success)
        {
            throw new ArgumentException("The connection string names no http TableEndpoint on a loopback port.", nameof(connectionString));
        }

        _upstream = new IPEndPoint(IPAddress.Loopback, int.Parse(endpoint.Groups["port"].Value, CultureInfo.InvariantCulture));
        _inspect = inspect;
        _cut = cut;
        Port = FreePorts.Next();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        ConnectionString = connectionString[..endpoint.Groups["port"].Index] + Port.ToString(CultureInfo.InvariantCulture) + connectionString[(endpoint.Groups["port"].Index + endpoint.Groups["port"].Length)..];
        _accepting = AcceptAsync();
    }

    /// <summary>The storage connection string for the silo behind the proxy.</summary>
    public string ConnectionString { get; }

    public int Port { get; }

    /// <summary>True once a cut happened: nothing passes any more.</summary>
    public bool IsFrozen => _frozen;

    /// <summary>Entity-group batches seen so far.</summary>
    public int Batches => Volatile.Read(ref _batches);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var c in _connections)
        {
            c.Dispose();
        }

        await _accepting.ContinueWith(static _ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    /// <summary>The operations of a batch request body (multipart/mixed with one changeset).</summary>
    internal static List<TableBatchOperation> ParseBatch(string body)
    {
        var operations = new List<TableBatchOperation>();
        var lines = body.Split("\r\n");
        for (var i = 0; i < lines.Length; i++)
        {
            var request = SubRequest().Match(lines[i]);
            if (!request.Success)
            {
                continue;
            }

            // Headers, a blank line, then the JSON body (none for a delete) up to the next boundary.
            var j = i + 1;
            while (j < lines.Length && lines[j].Length > 0)
            {
                j++;
            }

            var json = new StringBuilder();
            for (j++; j < lines.Length && !lines[j].StartsWith("--", StringComparison.Ordinal); j++)
            {
                json.Append(lines[j]);
            }

            JsonElement? entity = json.Length > 0 && json.ToString().TrimStart().StartsWith('{') ? JsonDocument.Parse(json.ToString()).RootElement.Clone() : null;
            var keys = EntityKeys().Match(request.Groups["url"].Value);
            var partition = entity?.TryGetProperty("PartitionKey", out var pk) == true ? pk.GetString()! : keys.Success ? Unquote(keys.Groups["pk"].Value) : "";
            var row = entity?.TryGetProperty("RowKey", out var rk) == true ? rk.GetString()! : keys.Success ? Unquote(keys.Groups["rk"].Value) : "";
            operations.Add(new TableBatchOperation(request.Groups["method"].Value, partition, row, entity));
            i = j - 1;
        }

        return operations;
    }

    private static string Unquote(string value) => Uri.UnescapeDataString(value).Replace("''", "'", StringComparison.Ordinal);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _connections.Add(client);
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        _connections.Add(upstream);
        try
        {
            await upstream.ConnectAsync(_upstream, _stop.Token);
            var fromSilo = new BufferedWire(client.GetStream());
            var fromStorage = new BufferedWire(upstream.GetStream());
            while (!_stop.IsCancellationRequested)
            {
                var request = await HttpWireMessage.ReadAsync(fromSilo, _stop.Token);
                if (request is null || _frozen)
                {
                    break;
                }

                var action = TableProxyAction.Forward;
                List<TableBatchOperation>? batch = null;
                if (request.StartLine.StartsWith("POST ", StringComparison.Ordinal) && request.StartLine.Contains("/$batch", StringComparison.Ordinal))
                {
                    batch = ParseBatch(Encoding.UTF8.GetString(request.Body));
                    lock (_decide)
                    {
                        Interlocked.Increment(ref _batches);
                        if (_frozen)
                        {
                            break;
                        }

                        action = _inspect(batch);
                        _frozen = action != TableProxyAction.Forward;
                    }
                }

                if (action == TableProxyAction.HoldThenCut)
                {
                    await _cut(batch!, "");
                    break;
                }

                await upstream.GetStream().WriteAsync(request.Raw, _stop.Token);
                HttpWireMessage? answer;
                do
                {
                    answer = await HttpWireMessage.ReadAsync(fromStorage, _stop.Token) ?? throw new EndOfStreamException("storage closed the connection");
                    if (action == TableProxyAction.Forward && !_frozen)
                    {
                        await client.GetStream().WriteAsync(answer.Raw, _stop.Token);
                    }
                }
                while (answer.Status is >= 100 and < 200);

                if (action == TableProxyAction.ForwardThenCut)
                {
                    await _cut(batch!, Encoding.UTF8.GetString(answer.Body));
                    break;
                }

                if (_frozen)
                {
                    break;
                }
            }

            // Frozen or closed: keep the silo's socket open and silent until the proxy is disposed (a crashed
            // process's peer sees no reset either).
            if (_frozen)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
        catch (SocketException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    [GeneratedRegex(@"TableEndpoint=http://(?<host>127\.0\.0\.1|localhost):(?<port>\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex TableEndpoint();

    [GeneratedRegex(@"^(?<method>POST|PUT|MERGE|PATCH|DELETE) (?<url>\S+) HTTP/1\.1$")]
    private static partial Regex SubRequest();

    [GeneratedRegex(@"\(PartitionKey='(?<pk>(?:[^']|'')*)',\s*RowKey='(?<rk>(?:[^']|'')*)'\)")]
    private static partial Regex EntityKeys();
}
