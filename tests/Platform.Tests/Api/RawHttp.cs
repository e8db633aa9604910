using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Platform.Tests.Api;

/// <summary>
/// HTTP/1.1 over a plain socket, one connection per request: the request target and header bytes go out exactly as
/// written. HttpClient cannot send what these tests need (it resolves <c>%2E%2E</c> and dot segments and re-encodes
/// <c>%ZZ</c> as <c>%25ZZ</c> before sending). An answer that does not arrive in time is reported, not awaited.
/// </summary>
public sealed class RawHttp(string host, int port)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public async Task<RawResponse> SendAsync(RawRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var timeout = new CancellationTokenSource(Timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            using var head = new MemoryStream();
            Write(head, $"{request.Method} {request.Target} HTTP/1.1\r\nHost: {host}:{port.ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n");
            if (request.Body is not null || request.Method is "PUT" or "POST")
            {
                Write(head, $"Content-Length: {(request.Body?.Length ?? 0).ToString(CultureInfo.InvariantCulture)}\r\n");
            }

            foreach (var (name, value) in request.Headers)
            {
                Write(head, name + ": ");
                head.Write(value);
                Write(head, "\r\n");
            }

            Write(head, "\r\n");
            head.Write(request.Body ?? []);
            await stream.WriteAsync(head.ToArray(), timeout.Token);

            using var received = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }

            return RawResponse.Parse(received.ToArray());
        }
        catch (OperationCanceledException)
        {
            return RawResponse.Hung($"no complete answer within {Timeout.TotalSeconds:F0} s");
        }
        catch (IOException ex)
        {
            return RawResponse.Hung($"connection failed: {ex.Message}");
        }
        catch (SocketException ex)
        {
            return RawResponse.Hung($"connection failed: {ex.Message}");
        }
    }

    private static void Write(MemoryStream stream, string text) => stream.Write(Encoding.Latin1.GetBytes(text));
}

/// <summary>One request as it goes on the wire; header values are bytes, so non-ASCII ones can be sent.</summary>
public sealed record RawRequest(string Method, string Target, byte[]? Body = null)
{
    public IReadOnlyList<(string Name, byte[] Value)> Headers { get; init; } = [];

    public RawRequest WithHeader(string name, string value) => WithHeader(name, Encoding.UTF8.GetBytes(value));

    public RawRequest WithHeader(string name, byte[] value) =>
        this with { Headers = [.. Headers.Where(h => !h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)), (name, value)] };

    public RawRequest WithoutHeader(string name) =>
        this with { Headers = [.. Headers.Where(h => !h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))] };

    public static RawRequest Json(string method, string target, string json) =>
        new RawRequest(method, target, Encoding.UTF8.GetBytes(json)).WithHeader("Content-Type", "application/json");

    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body);
        return $"{Method} {Target} [{string.Join("; ", Headers.Select(h => $"{h.Name}: {Encoding.UTF8.GetString(h.Value)}"))}] {(body.Length > 300 ? body[..300] + "..." : body)}";
    }
}

/// <summary>An answer: status, headers and the de-chunked body; status 0 when none came (<see cref="Error"/>).</summary>
public sealed class RawResponse
{
    public int Status { get; private init; }

    public string? Error { get; private init; }

    public IReadOnlyDictionary<string, string> Headers { get; private init; } = new Dictionary<string, string>();

    public byte[] Body { get; private init; } = [];

    public string Text => Encoding.UTF8.GetString(Body);

    public string? ContentType => Headers.GetValueOrDefault("content-type");

    public string? ETag => Headers.GetValueOrDefault("etag");

    public bool IsProblem => ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true;

    /// <summary>The problem's <c>field</c>, when the answer is a problem naming one.</summary>
    public string? Field
    {
        get
        {
            if (!IsProblem)
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(Body);
                return document.RootElement.TryGetProperty("field", out var member) && member.ValueKind == JsonValueKind.String ? member.GetString() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>True when the problem carries every member Platform always sends (type, title, status, traceId).</summary>
    public bool IsCompleteProblem
    {
        get
        {
            if (!IsProblem)
            {
                return false;
            }

            try
            {
                using var document = JsonDocument.Parse(Body);
                var root = document.RootElement;
                return root.TryGetProperty("type", out _) && root.TryGetProperty("title", out _)
                    && root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number && status.GetInt32() == Status
                    && root.TryGetProperty("traceId", out _);
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }

    public static RawResponse Hung(string error) => new() { Error = error };

    public static RawResponse Parse(byte[] data)
    {
        var end = data.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return Hung($"incomplete answer ({data.Length} bytes)");
        }

        var lines = Encoding.Latin1.GetString(data, 0, end).Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }

        var body = data[(end + 4)..];
        if (headers.GetValueOrDefault("transfer-encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            body = Dechunk(body);
        }

        return new RawResponse
        {
            Status = statusParts.Length > 1 && int.TryParse(statusParts[1], CultureInfo.InvariantCulture, out var status) ? status : 0,
            Headers = headers,
            Body = body,
        };
    }

    public override string ToString() =>
        Error ?? $"{Status} {ContentType} {(Text.Length > 400 ? Text[..400] + "..." : Text)}";

    private static byte[] Dechunk(byte[] data)
    {
        using var body = new MemoryStream();
        var at = 0;
        while (at < data.Length)
        {
            var lineEnd = data.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var sizeText = Encoding.Latin1.GetString(data, at, lineEnd).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                break;
            }

            at += lineEnd + 2;
            body.Write(data, at, Math.Min(size, data.Length - at));
            at += size + 2;
        }

        return body.ToArray();
    }
}
