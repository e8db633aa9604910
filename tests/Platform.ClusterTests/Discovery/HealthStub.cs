using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.ClusterTests.Discovery;

/// <summary>
/// A service instance for the checkers to probe: a loopback TCP listener answering every HTTP request with 200 or 503
/// (<see cref="Healthy"/>) and closing the connection; it records when it went down and up.
/// </summary>
public sealed class HealthStub : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset At, bool Healthy)> _transitions = [];
    private volatile bool _healthy = true;

    public HealthStub()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _transitions.Add((DateTimeOffset.UtcNow, true));
        _ = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public bool Healthy
    {
        get => _healthy;
        set
        {
            lock (_gate)
            {
                _healthy = value;
                _transitions.Add((DateTimeOffset.UtcNow, value));
            }
        }
    }

    /// <summary>When it went up or down, in order (the first entry: up at start).</summary>
    public IReadOnlyList<(DateTimeOffset At, bool Healthy)> Transitions
    {
        get
        {
            lock (_gate)
            {
                return [.. _transitions];
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[4096];
                var seen = new StringBuilder();
                while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                var answer = _healthy ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok" : "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndown";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
