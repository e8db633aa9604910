using Platform.Client.Cluster;
using Polly;
using Polly.Retry;

namespace Platform.Client.Host.Cluster;

/// <summary>
/// Retries a safe request (GET, HEAD) once when the cluster connection failed under it: the gateway this client used
/// died or is leaving. Orleans' client meanwhile drops that gateway and routes through the others, so the retry
/// usually succeeds. Writes are not retried (a write may have been applied before the connection dropped); they
/// surface as 503 with Retry-After. A retry happens only while the response has not started.
/// </summary>
public sealed class GatewayRetryMiddleware(RequestDelegate next)
{
    private static readonly ResiliencePropertyKey<HttpContext> HttpContextKey = new("Platform.HttpContext");

    private static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 1,
            Delay = TimeSpan.FromMilliseconds(500),
            BackoffType = DelayBackoffType.Constant,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } ex && ClusterErrors.IsConnectionLoss(ex)
                && args.Context.Properties.TryGetValue(HttpContextKey, out var http) && !http.Response.HasStarted),
        })
        .Build();

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        var resilience = ResilienceContextPool.Shared.Get(context.RequestAborted);
        resilience.Properties.Set(HttpContextKey, context);
        try
        {
            await Pipeline.ExecuteAsync(static async (_, state) => await state.next(state.context), resilience, (next, context));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(resilience);
        }
    }
}
