using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using Polly.CircuitBreaker;

namespace Platform.Discovery;

/// <summary>
/// Picks the instance of each attempt from the Microsoft.Extensions.ServiceDiscovery endpoints (the pushed registry
/// cache; no registry call per request) with <see cref="ServiceBalancer"/>, rewrites the request to it, and feeds the
/// outcome back: latency and open picks to the balancer, success or failure to passive outlier detection here, and
/// failures (plus the first success after one) to the registry. It sits between the outer resilience pipeline (retry,
/// hedging, bulkhead) and the per-instance one (breaker, attempt timeout), so each attempt may pick another instance.
/// </summary>
internal sealed partial class PlatformBalancingHandler(
    ServiceEndpointResolver resolver,
    ServiceInstanceCache cache,
    IServiceDiscovery discovery,
    IOptions<ServiceDiscoveryHttpOptions> options,
    ILogger<PlatformBalancingHandler> logger) : DelegatingHandler
{
    private static readonly ConditionalWeakTable<ServiceEndpointSource, ServiceInstance[]> Instances = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Options.TryGetValue(PlatformServiceDiscoveryExtensions.ServiceUri, out var target))
        {
            target = request.RequestUri;
            if (target is null || !target.IsAbsoluteUri)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            request.Options.Set(PlatformServiceDiscoveryExtensions.ServiceUri, target);
        }

        if (target.HostNameType != UriHostNameType.Dns || target.IsLoopback)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var service = target.IdnHost;
        var source = await resolver.GetEndpointsAsync($"{target.Scheme}://{service}", cancellationToken);
        var all = Instances.GetValue(source, static s => [.. s.Endpoints.Select(e => e.Features.Get<ServiceInstanceFeature>()?.Instance).OfType<ServiceInstance>()]);
        if (all.Length == 0)
        {
            // Not a Platform service (or none registered): whatever the other endpoint providers gave, unbalanced.
            request.RequestUri = target;
            return await base.SendAsync(request, cancellationToken);
        }

        var cached = cache.Get(service);
        var now = cache.Time.GetUtcNow();
        IReadOnlyList<ServiceInstance> candidates = all;
        if (Array.Exists(all, i => cached.IsEjected(i.Id, now)))
        {
            var kept = Array.FindAll(all, i => !cached.IsEjected(i.Id, now));
            candidates = kept.Length > 0 ? kept : all;   // every instance ejected: fail open (Envoy's panic mode)
        }

        var o = options.Value;
        var strategy = request.Options.TryGetValue(PlatformServiceDiscoveryExtensions.Strategy, out var s) ? s : o.Strategy;
        string? key = null;
        if (strategy == ResolveStrategy.ConsistentHash)
        {
            key = request.Headers.TryGetValues(o.KeyHeader, out var values) ? string.Join(',', values) : target.AbsolutePath;
        }

        var picked = cached.Balancer.Pick(candidates, new ResolveRequest { Strategy = strategy, Key = key, Zone = string.IsNullOrEmpty(o.Zone) ? null : o.Zone })!;
        var r = picked.Registration;
        request.RequestUri = new UriBuilder(target) { Scheme = r.Scheme ?? target.Scheme, Host = r.Address, Port = r.Port }.Uri;
        var started = cache.Time.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            Outcome(cached, picked, (int)response.StatusCode < 500, started, all.Length, forward: true);
            return response;
        }
        catch (BrokenCircuitException)
        {
            // Its breaker is open: no request left this host, so nothing for the registry; locally it counts.
            Outcome(cached, picked, false, started, all.Length, forward: false);
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Outcome(cached, picked, false, started, all.Length, forward: true);
            throw;
        }
        catch (OperationCanceledException)
        {
            // The caller gave up (or a hedged attempt lost the race): no verdict on the instance.
            cached.Balancer.Report(picked.Id, null);
            throw;
        }
    }

    private void Outcome(CachedService cached, ServiceInstance instance, bool success, long started, int instanceCount, bool forward)
    {
        var latency = cache.Time.GetElapsedTime(started).TotalMilliseconds;
        cached.Balancer.Report(instance.Id, latency);
        if (cached.Report(instance.Id, success, cache.Time.GetUtcNow(), instanceCount))
        {
            LogEjected(cached.Name, instance.Id);
        }

        if (forward && options.Value.ReportOutcomes && cached.ShouldForward(instance.Id, success))
        {
            _ = ForwardAsync(cached.Name, instance.Id, new OutcomeReport { Success = success, LatencyMs = latency, ClosesPick = false });
        }
    }

    private async Task ForwardAsync(string service, string id, OutcomeReport outcome)
    {
        try
        {
            await discovery.ReportAsync(service, id, outcome);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogReportFailed(service, id, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Id} of {Service} ejected by failed outcomes")]
    private partial void LogEjected(string service, string id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reporting an outcome of {Service}/{Id} to the registry failed")]
    private partial void LogReportFailed(string service, string id, Exception error);
}
