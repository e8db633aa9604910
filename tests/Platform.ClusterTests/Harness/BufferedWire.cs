namespace Platform.ClusterTests.Harness;

/// <summary>A read buffer over a socket stream for <see cref="HttpWireMessage"/>: heads, lines and exact byte counts.</summary>
internal sealed class BufferedWire(Stream stream)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>Bytes up to and including the blank line ending a message head; null on a clean close before any byte.</summary>
    public async Task<byte[]?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        using var head = new MemoryStream();
        var matched = 0;
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                return head.Length == 0 ? null : throw new EndOfStreamException("The connection closed inside an HTTP message head.");
            }

            var b = _buffer[_start++];
            head.WriteByte(b);
            matched = (matched, b) switch
            {
                (0 or 2, (byte)'\r') => matched + 1,
                (1 or 3, (byte)'\n') => matched + 1,
                (_, (byte)'\r') => 1,
                _ => 0,
            };
            if (matched == 4)
            {
                return head.ToArray();
            }
        }
    }

    /// <summary>One line including its CRLF.</summary>
    public async Task<byte[]> ReadLineAsync(CancellationToken cancellationToken)
    {
        using var line = new MemoryStream();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new EndOfStreamException("The connection closed inside a line.");
            }

            var b = _buffer[_start++];
            line.WriteByte(b);
            if (b == '\n')
            {
                return line.ToArray();
            }
        }
    }

    public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var done = 0;
        while (done < count)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new EndOfStreamException($"The connection closed after {done} of {count} body bytes.");
            }

            var n = Math.Min(count - done, _end - _start);
            Array.Copy(_buffer, _start, result, done, n);
            _start += n;
            done += n;
        }

        return result;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer, cancellationToken);
        return _end > 0;
    }
}
