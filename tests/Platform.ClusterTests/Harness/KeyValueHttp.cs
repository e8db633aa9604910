using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Polly;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// The client host's key-value routes as fault tests use them. Never throws for transport failures: they come back
/// as <see cref="KeyValueResponse"/> with status 0, so a test can record them as indeterminate. With a
/// <see cref="ResiliencePipeline{T}"/> (see <see cref="BoundedRetry"/>) each call retries 503s and connection
/// errors a bounded number of times.
/// </summary>
public sealed class KeyValueHttp(HttpClient http, ResiliencePipeline<HttpResponseMessage>? retry = null, TimeSpan? requestTimeout = null)
{
    private readonly TimeSpan _timeout = requestTimeout ?? TimeSpan.FromSeconds(10);

    /// <summary>Creates a namespace (idempotent), retrying until the cluster answers; throws when it cannot.</summary>
    public async Task CreateNamespaceAsync(string ns, int shards, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, $"/v1/namespaces/{Uri.EscapeDataString(ns)}")
        {
            Content = JsonContent.Create(new { shards }),
        }, cancellationToken);
        if (response is null || !response.IsSuccessStatusCode)
        {
            var body = response is null ? "no answer" : await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"Creating namespace {ns} failed: {(int?)response?.StatusCode} {body}");
        }
    }

    /// <summary>
    /// <c>GET /v1/namespaces/{ns}/shards</c>: the silo hosting each shard, in shard order; null when not every shard
    /// answered (the route calls every shard grain, so a 200 means all of them are serving).
    /// </summary>
    public async Task<IReadOnlyList<string>?> GetShardSilosAsync(string ns, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await SendOnceAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/v1/namespaces/{Uri.EscapeDataString(ns)}/shards"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return [.. doc.RootElement.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("silo").GetString() ?? "")];
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or KeyNotFoundException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async Task<KeyValueResponse> GetAsync(string ns, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Path(ns, key)), cancellationToken);
            return response is null ? new KeyValueResponse(0, null, null, "no answer") : await ReadAsync(response, withBody: true, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new KeyValueResponse(0, null, null, Describe(ex));
        }
    }

    /// <summary>PUT a UTF-8 value; <paramref name="ifMatch"/> makes it a compare-and-set on the version, <paramref name="createOnly"/> sends If-None-Match: *.</summary>
    public async Task<KeyValueResponse> PutAsync(string ns, string key, string value, long? ifMatch = null, bool createOnly = false, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, Path(ns, key))
                {
                    Content = new StringContent(value, Encoding.UTF8, "text/plain"),
                };
                if (ifMatch is { } version)
                {
                    request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version.ToString(CultureInfo.InvariantCulture)}\""));
                }

                if (createOnly)
                {
                    request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
                }

                return request;
            }, cancellationToken);
            return response is null ? new KeyValueResponse(0, null, null, "no answer") : await ReadAsync(response, withBody: false, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new KeyValueResponse(0, null, null, Describe(ex));
        }
    }

    /// <summary>
    /// A bounded retry for test clients: up to <paramref name="attempts"/> retries with exponential back-off (from
    /// 200 ms, capped at 2 s) on 503, 502, 504 and connection errors. A 500 is never retried (it is a bug).
    /// </summary>
    public static ResiliencePipeline<HttpResponseMessage> BoundedRetry(int attempts, Action<int>? onRetry = null) =>
        new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new Polly.Retry.RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = attempts,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(2),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TaskCanceledException>()
                    .HandleResult(r => r.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout),
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.AttemptNumber);
                    return default;
                },
            })
            .Build();

    private string Describe(Exception ex) => ex is TaskCanceledException
        ? $"(client timeout: no answer within {_timeout.TotalSeconds:F0} s)"
        : $"({ex.GetType().Name}: {ex.Message})";

    private static string Path(string ns, string key) => $"/v1/kv/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(key)}";

    private static async Task<KeyValueResponse> ReadAsync(HttpResponseMessage response, bool withBody, CancellationToken cancellationToken)
    {
        long? version = null;
        if (response.Headers.ETag is { } etag
            && long.TryParse(etag.Tag.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            version = v;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? new KeyValueResponse((int)response.StatusCode, withBody ? body : null, version)
            : new KeyValueResponse((int)response.StatusCode, null, version, body.Length > 300 ? body[..300] : body);
    }

    private async Task<HttpResponseMessage?> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        if (retry is null)
        {
            return await SendOnceAsync(request, cancellationToken);
        }

        return await retry.ExecuteAsync(async ct => await SendOnceAsync(request, ct), cancellationToken);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var message = request();
        var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token);
        return response;
    }
}
