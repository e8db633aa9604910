using System.Net.Sockets;
using System.Text;

namespace Platform.Bench.Load.Locks;

/// <summary>
/// A minimal redis client: one TCP connection, one command in flight, RESP2 requests and the reply types that
/// SET/EVALSHA/SCRIPT LOAD answer with (simple string, error, integer, bulk string, nil).
/// </summary>
internal sealed class RespConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly MemoryStream _request = new();
    private int _start;
    private int _end;

    private RespConnection(Socket socket) => _socket = socket;

    public static async Task<RespConnection> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(host, port, cancellationToken);
        return new RespConnection(socket);
    }

    /// <summary>Sends one command and returns its reply: a string, a long, or null (nil); a redis error throws.</summary>
    public async Task<object?> CallAsync(CancellationToken cancellationToken, params string[] args)
    {
        _request.SetLength(0);
        Write($"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            Write($"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        }

        await _socket.SendAsync(_request.GetBuffer().AsMemory(0, (int)_request.Length), SocketFlags.None, cancellationToken);
        var line = await ReadLineAsync(cancellationToken);
        var payload = Encoding.UTF8.GetString(line[1..]);
        switch ((char)line[0])
        {
            case '+':
                return payload;
            case '-':
                throw new InvalidOperationException($"redis: {payload}");
            case ':':
                return long.Parse(payload, System.Globalization.CultureInfo.InvariantCulture);
            case '$':
                var length = int.Parse(payload, System.Globalization.CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var bulk = await ReadExactAsync(length + 2, cancellationToken);
                return Encoding.UTF8.GetString(bulk, 0, length);
            default:
                throw new InvalidOperationException($"redis: unexpected reply '{Encoding.UTF8.GetString(line)}'");
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _request.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Write(string text) => _request.Write(Encoding.UTF8.GetBytes(text));

    private async Task<byte[]> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (newline >= 0)
            {
                var line = _buffer.AsSpan(_start, newline).ToArray();
                _start += newline + 2;
                return line;
            }

            await FillAsync(cancellationToken);
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var n = Math.Min(count - copied, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(result.AsSpan(copied));
            _start += n;
            copied += n;
        }

        return result;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidOperationException("redis: reply line longer than the buffer");
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new IOException("redis closed the connection");
        }

        _end += read;
    }
}
