using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Platform.Bench.Load.Log;

/// <summary>
/// A minimal pipelining redis client for the streams benchmark: one TCP connection, commands of string or byte
/// arguments written in one go, RESP2 replies read back in order (simple strings, errors, integers, bulk strings as
/// bytes, arrays, nil).
/// </summary>
internal sealed class RespClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _reader;
    private readonly MemoryStream _request = new();

    private RespClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new BufferedStream(_stream, 64 * 1024);
    }

    public static async Task<RespClient> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(host, port, cancellationToken);
        return new RespClient(socket);
    }

    /// <summary>Queues one command (arguments are strings or byte arrays); <see cref="FlushAsync"/> sends the queue.</summary>
    public void Queue(params object[] args)
    {
        Write($"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            var bytes = arg as byte[] ?? Encoding.UTF8.GetBytes((string)arg);
            Write($"${bytes.Length}\r\n");
            _request.Write(bytes);
            Write("\r\n");
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(_request.GetBuffer().AsMemory(0, (int)_request.Length), cancellationToken);
        _request.SetLength(0);
    }

    /// <summary>Sends one command and reads its reply.</summary>
    public async Task<object?> CallAsync(CancellationToken cancellationToken, params object[] args)
    {
        Queue(args);
        await FlushAsync(cancellationToken);
        return await ReadAsync(cancellationToken);
    }

    /// <summary>The next reply: string, long, byte[], object?[] or null; a redis error throws.</summary>
    public async Task<object?> ReadAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken);
        var payload = line[1..];
        switch (line[0])
        {
            case '+':
                return payload;
            case '-':
                throw new InvalidOperationException($"redis: {payload}");
            case ':':
                return long.Parse(payload, CultureInfo.InvariantCulture);
            case '$':
                var length = int.Parse(payload, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var bulk = new byte[length + 2];
                await _reader.ReadExactlyAsync(bulk, cancellationToken);
                return bulk.AsSpan(0, length).ToArray();
            case '*':
                var count = int.Parse(payload, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = await ReadAsync(cancellationToken);
                }

                return items;
            default:
                throw new InvalidOperationException($"redis: unexpected reply '{line}'");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
        await _request.DisposeAsync();
    }

    private void Write(string text) => _request.Write(Encoding.ASCII.GetBytes(text));

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            await _reader.ReadExactlyAsync(one, cancellationToken);
            if (one[0] == '\r')
            {
                await _reader.ReadExactlyAsync(one, cancellationToken);
                return line.ToString();
            }

            line.Append((char)one[0]);
        }
    }
}
