using System.Net;
using Polly;

namespace Platform.Testing.Http;

/// <summary>Retry pipelines for test clients.</summary>
public static class PlatformApiRetry
{
    /// <summary>
    /// Up to <paramref name="attempts"/> retries with jittered exponential back-off (from 200 ms, capped at 2 s) on 503,
    /// 502, 504, connection errors and timeouts. A 500 is never retried: by the API's conventions it is a bug.
    /// <paramref name="onRetry"/> receives the attempt number (for counting retries used).
    /// </summary>
    public static ResiliencePipeline<HttpResponseMessage> Bounded(int attempts, Action<int>? onRetry = null) =>
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
                    .Handle<TimeoutException>()
                    .HandleResult(r => r.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    onRetry?.Invoke(args.AttemptNumber);
                    return default;
                },
            })
            .Build();
}
