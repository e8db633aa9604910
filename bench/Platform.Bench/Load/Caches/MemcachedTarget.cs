using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace Platform.Bench.Load.Caches;

/// <summary>memcached's text protocol (<c>get</c>, <c>set</c>) over a pool of connections, one per operation in flight.</summary>
internal sealed class MemcachedTarget(string host, int port) : IKeyValueTarget
{
    private readonly ConcurrentBag<Connection> _idle = [];
    private readonly ConcurrentBag<Connection> _all = [];

    public string Name => "memcached";

    public async Task GetAsync(string key, CancellationToken cancellationToken)
    {
        var connection = await TakeAsync(cancellationToken);
        try
        {
            await connection.WriteAsync(Encoding.ASCII.GetBytes($"get {key}\r\n"), cancellationToken);
            var header = await connection.ReadLineAsync(cancellationToken);
            if (header == "END")
            {
                throw new KeyNotFoundException($"get {key}: not found");
            }

            // VALUE <key> <flags> <bytes>
            var bytes = int.Parse(header.AsSpan(header.LastIndexOf(' ') + 1), System.Globalization.CultureInfo.InvariantCulture);
            await connection.SkipAsync(bytes + 2, cancellationToken);
            var end = await connection.ReadLineAsync(cancellationToken);
            if (end != "END")
            {
                throw new InvalidDataException($"get {key}: expected END, got '{end}'");
            }
        }
        finally
        {
            _idle.Add(connection);
        }
    }

    public async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        var connection = await TakeAsync(cancellationToken);
        try
        {
            var head = Encoding.ASCII.GetBytes($"set {key} 0 0 {value.Length}\r\n");
            var request = new byte[head.Length + value.Length + 2];
            head.CopyTo(request, 0);
            value.CopyTo(request, head.Length);
            request[^2] = (byte)'\r';
            request[^1] = (byte)'\n';
            await connection.WriteAsync(request, cancellationToken);
            var answer = await connection.ReadLineAsync(cancellationToken);
            if (answer != "STORED")
            {
                throw new InvalidDataException($"set {key}: {answer}");
            }
        }
        finally
        {
            _idle.Add(connection);
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var connection in _all)
        {
            connection.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task<Connection> TakeAsync(CancellationToken cancellationToken)
    {
        if (_idle.TryTake(out var connection))
        {
            return connection;
        }

        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(host, port, cancellationToken);
        connection = new Connection(client);
        _all.Add(connection);
        return connection;
    }

    private sealed class Connection(TcpClient client) : IDisposable
    {
        private readonly NetworkStream _stream = client.GetStream();
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public ValueTask WriteAsync(byte[] bytes, CancellationToken cancellationToken) => _stream.WriteAsync(bytes, cancellationToken);

        public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var at = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (at > _start && _buffer[at - 1] == '\r')
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, at - 1 - _start);
                    _start = at + 1;
                    return line;
                }

                await FillAsync(cancellationToken);
            }
        }

        public async Task SkipAsync(int count, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                if (_start == _end)
                {
                    await FillAsync(cancellationToken);
                }

                var take = Math.Min(count, _end - _start);
                _start += take;
                count -= take;
            }
        }

        public void Dispose() => client.Dispose();

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            _end += read > 0 ? read : throw new EndOfStreamException("memcached closed the connection");
        }
    }
}
