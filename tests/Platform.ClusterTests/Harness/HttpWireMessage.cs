using System.Globalization;
using System.Text;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// One HTTP/1.1 message read off a socket exactly as it was sent (head and body bytes), with the start line and the
/// headers parsed: enough for <see cref="TableStorageProxy"/> to relay it byte for byte and look inside. Bodies are
/// framed by Content-Length or chunked encoding; a message with neither has no body (requests, 1xx/204/304 answers).
/// </summary>
internal sealed class HttpWireMessage
{
    private HttpWireMessage(string startLine, Dictionary<string, string> headers, byte[] raw, byte[] body)
    {
        StartLine = startLine;
        Headers = headers;
        Raw = raw;
        Body = body;
    }

    public string StartLine { get; }

    public Dictionary<string, string> Headers { get; }

    /// <summary>Everything read for this message, to relay unchanged.</summary>
    public byte[] Raw { get; }

    /// <summary>The body (de-chunked).</summary>
    public byte[] Body { get; }

    /// <summary>The status code of an answer (0 for a request).</summary>
    public int Status => StartLine.StartsWith("HTTP/", StringComparison.Ordinal) ? int.Parse(StartLine.Split(' ')[1], CultureInfo.InvariantCulture) : 0;

    /// <summary>Reads the next message; null when the peer closed the connection between messages.</summary>
    public static async Task<HttpWireMessage?> ReadAsync(BufferedWire wire, CancellationToken cancellationToken)
    {
        var head = await wire.ReadHeadAsync(cancellationToken);
        if (head is null)
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(head);
        var lines = text.Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        using var raw = new MemoryStream();
        raw.Write(head);
        byte[] body;
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            using var content = new MemoryStream();
            while (true)
            {
                var sizeLine = await wire.ReadLineAsync(cancellationToken);
                raw.Write(sizeLine);
                var size = int.Parse(Encoding.ASCII.GetString(sizeLine).Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var chunk = await wire.ReadExactlyAsync(size + 2, cancellationToken);
                raw.Write(chunk);
                content.Write(chunk, 0, size);
                if (size == 0)
                {
                    break;
                }
            }

            body = content.ToArray();
        }
        else if (headers.TryGetValue("Content-Length", out var length))
        {
            body = await wire.ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture), cancellationToken);
            raw.Write(body);
        }
        else
        {
            body = [];
        }

        return new HttpWireMessage(lines[0], headers, raw.ToArray(), body);
    }
}
