using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using Polly;
using Polly.CircuitBreaker;
using Polly.Hedging;
using Platform.Configuration;

namespace Platform.Discovery;

public static class PlatformServiceDiscoveryExtensions
{
    /// <summary>The service URI of a request before the handler rewrote it to an instance (retries and hedges start from it).</summary>
    public static readonly HttpRequestOptionsKey<Uri> ServiceUri = new("Platform.Discovery.ServiceUri");

    /// <summary>Set on a request to balance it by another strategy than <see cref="ServiceDiscoveryHttpOptions.Strategy"/>.</summary>
    public static readonly HttpRequestOptionsKey<ResolveStrategy> Strategy = new("Platform.Discovery.Strategy");

    /// <summary>
    /// Every <see cref="HttpClient"/> of the container resolves <c>http://{service}</c> through the Platform registry:
    /// Microsoft.Extensions.ServiceDiscovery with a Platform endpoint provider fed by a pushed, locally cached instance
    /// list, a balancing handler with the registry's strategies, and the Microsoft.Extensions.Http.Resilience pipeline
    /// (<see cref="ServiceDiscoveryHttpOptions"/>, <c>Platform:Discovery:Http</c>). Needs <see cref="IServiceDiscovery"/>
    /// (<c>AddPlatformClient</c>). Names that are no Platform service pass through unbalanced.
    /// </summary>
    public static IServiceCollection AddPlatformServiceDiscovery(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPlatformServiceDiscoveryCore();
        services.AddHttpClient();
        services.ConfigureHttpClientDefaults(http => http.AddPlatformServiceDiscovery());
        return services;
    }

    /// <summary>The endpoint provider and cache only (no HttpClient defaults): for <see cref="AddPlatformServiceDiscovery(IHttpClientBuilder)"/> on chosen clients.</summary>
    public static IServiceCollection AddPlatformServiceDiscoveryCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPlatformOptions<ServiceDiscoveryHttpOptions>(ServiceDiscoveryHttpOptions.SectionName);
        services.AddPlatformOptions<DiscoveryOptions>(DiscoveryOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServiceInstanceCache>();
        if (!services.Any(d => d.ServiceType == typeof(IServiceEndpointProviderFactory) && d.ImplementationType == typeof(PlatformServiceEndpointProviderFactory)))
        {
            services.AddServiceDiscoveryCore();
            services.AddSingleton<IServiceEndpointProviderFactory, PlatformServiceEndpointProviderFactory>();
            services.AddConfigurationServiceEndpointProvider();
            services.AddPassThroughServiceEndpointProvider();
        }

        return services;
    }

    /// <summary>
    /// This client balances over the registry: total timeout, bulkhead, retry with exponential backoff and jitter, hedging
    /// of safe requests, then the balancing handler, then per instance (pipeline by authority) a circuit breaker and an
    /// attempt timeout. Every policy is Microsoft.Extensions.Http.Resilience's (Polly); the handler only picks and reports.
    /// </summary>
    public static IHttpClientBuilder AddPlatformServiceDiscovery(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPlatformServiceDiscoveryCore();
        builder.AddResilienceHandler("platform-discovery", static (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<IOptions<ServiceDiscoveryHttpOptions>>().Value;
            pipeline.AddTimeout(TimeSpan.FromMilliseconds(o.TotalTimeoutMs));
            pipeline.AddConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = o.MaxConcurrentRequests, QueueLimit = o.ConcurrencyQueueLimit });
            if (o.MaxRetryAttempts > 0)
            {
                var retry = new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = o.MaxRetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(o.RetryBaseDelayMs),
                    ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                };
                retry.DisableForUnsafeHttpMethods();
                pipeline.AddRetry(retry);
            }

            if (o.MaxHedgedAttempts > 0)
            {
                pipeline.AddHedging(new HttpHedgingStrategyOptions
                {
                    MaxHedgedAttempts = o.MaxHedgedAttempts,
                    Delay = TimeSpan.FromMilliseconds(o.HedgingDelayMs),
                    ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                    ActionGenerator = Hedge,
                });
            }
        });
        builder.AddHttpMessageHandler(sp => ActivatorUtilities.CreateInstance<PlatformBalancingHandler>(sp));
        builder.AddResilienceHandler("platform-discovery-instance", static (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<IOptions<ServiceDiscoveryHttpOptions>>().Value;
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromMilliseconds(o.BreakerSamplingMs),
                BreakDuration = TimeSpan.FromMilliseconds(o.BreakerBreakMs),
            });
            pipeline.AddTimeout(TimeSpan.FromMilliseconds(o.AttemptTimeoutMs));
        }).SelectPipelineByAuthority();
        return builder;
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        HttpClientResiliencePredicates.IsTransient(outcome) || outcome.Exception is BrokenCircuitException;

    // A hedged attempt gets its own copy of a safe request (no body), starting from the service URI, so the balancing
    // handler picks an instance for it afresh; unsafe or body-carrying requests are not hedged.
    private static Func<ValueTask<Outcome<HttpResponseMessage>>>? Hedge(HedgingActionGeneratorArguments<HttpResponseMessage> args)
    {
        if (args.PrimaryContext.GetRequestMessage() is not { Content: null } primary
            || !(primary.Method == HttpMethod.Get || primary.Method == HttpMethod.Head || primary.Method == HttpMethod.Options))
        {
            return null;
        }

        var target = primary.Options.TryGetValue(ServiceUri, out var uri) ? uri : primary.RequestUri;
        var copy = new HttpRequestMessage(primary.Method, target) { Version = primary.Version, VersionPolicy = primary.VersionPolicy };
        foreach (var header in primary.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        copy.Options.Set(ServiceUri, target!);
        if (primary.Options.TryGetValue(Strategy, out var strategy))
        {
            copy.Options.Set(Strategy, strategy);
        }

        args.ActionContext.SetRequestMessage(copy);
        return () => args.Callback(args.ActionContext);
    }
}
