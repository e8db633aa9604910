using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.Testing.Http;

/// <summary>
/// The one HTTP client of the Platform API for tests, fault tests and benchmarks, speaking the wire format as any
/// outside client would (no server types): key-value with ETags, conditions and fences, namespaces and shard maps,
/// transactions, locks, semaphores and elections, with problem+json answers parsed into <see cref="ApiProblem"/>.
/// A call never throws for a transport failure or a client timeout: it answers status 0 with the reason, so a
/// fault test can record the outcome as unknown; only the caller's own cancellation throws. Options add bounded
/// retries and a per-attempt timeout.
/// </summary>
public sealed partial class PlatformApiClient : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonMedia = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");
    private static readonly MediaTypeHeaderValue TextPlain = new("text/plain") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly PlatformApiClientOptions _options;
    private readonly bool _ownsHttp;

    /// <summary>Speaks over <paramref name="http"/> (its BaseAddress is the client host; the caller owns it).</summary>
    public PlatformApiClient(HttpClient http, PlatformApiClientOptions? options = null)
        : this(http, options, ownsHttp: false)
    {
    }

    private PlatformApiClient(HttpClient http, PlatformApiClientOptions? options, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _options = options ?? new PlatformApiClientOptions();
        _ownsHttp = ownsHttp;
    }

    /// <summary>The underlying HttpClient (BaseAddress set).</summary>
    public HttpClient Http => _http;

    /// <summary>
    /// A client with its own pooled HTTP/1.1 keep-alive connections (no proxy, cookies or decompression), as a
    /// service or a load driver would hold one; disposing it closes them.
    /// </summary>
    public static PlatformApiClient Connect(Uri baseAddress, int maxConnections = 16, TimeSpan? timeout = null, PlatformApiClientOptions? options = null) =>
        new(PooledHttp.Create(baseAddress, maxConnections, timeout ?? TimeSpan.FromSeconds(30)), options, ownsHttp: true);

    /// <summary>The same connection with other options (retries, timeout).</summary>
    public PlatformApiClient With(PlatformApiClientOptions options) => new(_http, options, ownsHttp: false);

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>Any request, for routes and inputs the typed methods do not cover (bad input, raw headers).</summary>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, Func<HttpContent>? content = null, Action<HttpRequestMessage>? configure = null, CancellationToken cancellationToken = default) =>
        await CallAsync<NoBody>(method, path, content, configure, cancellationToken);

    /// <summary>A request with a JSON body: a string is sent as it is, anything else serialized the API's way.</summary>
    public Task<ApiResponse> SendJsonAsync(HttpMethod method, string path, object body, CancellationToken cancellationToken = default) =>
        SendAsync(method, path, Json(body), null, cancellationToken);

    /// <summary>GET of any path (health, metrics, documents).</summary>
    public Task<ApiResponse> GetAsync(string path, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, null, null, cancellationToken);

    /// <summary><c>GET /v1/cluster</c>: the membership view of the client host.</summary>
    public Task<ApiResponse> GetClusterAsync(CancellationToken cancellationToken = default) => GetAsync("/v1/cluster", cancellationToken);

    /// <summary>Body factory for a JSON request (called once per attempt).</summary>
    public static Func<HttpContent> Json(object body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var bytes = PlatformApiJson.Body(body);
        return () => Content(bytes, JsonMedia);
    }

    internal static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static ByteArrayContent Content(byte[] bytes, MediaTypeHeaderValue type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = type;
        return content;
    }

    /// <summary>A small JSON object written without reflection (the load drivers' hot paths use it).</summary>
    private static Func<HttpContent> JsonObject(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        var bytes = buffer.WrittenSpan.ToArray();
        return () => Content(bytes, JsonMedia);
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    private async Task<ApiResponse<T>> CallAsync<T>(HttpMethod method, string path, Func<HttpContent>? content, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            using var response = _options.Retry is { } retry
                ? await retry.ExecuteAsync(async ct => await SendOnceAsync(method, path, content, configure, ct), cancellationToken)
                : await SendOnceAsync(method, path, content, configure, cancellationToken);
            return await ReadAsync<T>(method.Method, path, response, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or OperationCanceledException or IOException
            && !cancellationToken.IsCancellationRequested)
        {
            return new ApiResponse<T> { Method = method.Method, Path = path, Error = Describe(ex) };
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, string path, Func<HttpContent>? content, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content?.Invoke() };
        configure?.Invoke(request);
        if (_options.RequestTimeout is not { } timeout)
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attempt.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"client timeout: no answer within {timeout.TotalSeconds:F0} s"));
        }
    }

    private static async Task<ApiResponse<T>> ReadAsync<T>(string method, string path, HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var status = (int)response.StatusCode;
        long? version = null;
        if (response.Headers.ETag is { } etag
            && long.TryParse(etag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            version = v;
        }

        ApiProblem? problem = null;
        if (mediaType == "application/problem+json" && body.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                problem = new ApiProblem(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                // Left null: a test checking the problem then fails with the body in its message.
            }
        }

        T? value = null;
        if (typeof(T) != typeof(NoBody) && status is >= 200 and < 300 && body.Length > 0)
        {
            try
            {
                value = JsonSerializer.Deserialize<T>(body, PlatformApiJson.Options);
            }
            catch (JsonException ex)
            {
                throw new PlatformApiException($"{method} {path}: the {status} answer is not a {typeof(T).Name}: {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)))}", ex);
            }
        }

        return new ApiResponse<T>
        {
            Method = method,
            Path = path,
            Status = status,
            Body = body,
            ContentType = response.Content.Headers.ContentType?.ToString(),
            Version = version,
            ETag = response.Headers.ETag?.Tag,
            RetryAfter = response.Headers.RetryAfter?.Delta,
            PlatformHeaders = PlatformHeadersOf(response),
            Problem = problem,
            Value = value,
        };
    }

    private static Dictionary<string, string> PlatformHeadersOf(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers)
        {
            if (name.StartsWith("Platform-", StringComparison.OrdinalIgnoreCase))
            {
                headers[name] = string.Join(",", values);
            }
        }

        return headers;
    }

    private static string Describe(Exception ex) => ex switch
    {
        TimeoutException timeout => timeout.Message,
        OperationCanceledException => "client timeout: no answer within the HttpClient's Timeout",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
