using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Errors;

namespace Platform.Discovery;

/// <summary>
/// The client host's pushed copy of each service it calls: one watch per service (started by the first request,
/// resumed from its last index after an error), so resolving an instance never calls the registry.
/// </summary>
internal sealed partial class ServiceInstanceCache(IServiceDiscovery discovery, IOptions<DiscoveryOptions> limits, TimeProvider time, ILogger<ServiceInstanceCache> logger) : IAsyncDisposable
{
    private readonly Dictionary<string, CachedService> _services = new(StringComparer.Ordinal);
    private readonly List<Task> _watches = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();

    public TimeProvider Time => time;

    /// <summary>The cached service, following its watch from now on.</summary>
    public CachedService Get(string service)
    {
        lock (_gate)
        {
            if (_services.TryGetValue(service, out var cached))
            {
                return cached;
            }

            var l = limits.Value;
            cached = new CachedService(
                service,
                new ServiceBalancer(l.BoundedLoadFactor, time: time),
                new OutlierTracker(l.EjectionConsecutiveFailures, TimeSpan.FromMilliseconds(l.BaseEjectionMs), TimeSpan.FromMilliseconds(l.MaxEjectionMs), l.MaxEjectionPercent));
            _services[service] = cached;
            if (!_stop.IsCancellationRequested)
            {
                _watches.Add(Task.Run(() => FollowAsync(cached, _stop.Token)));
            }

            return cached;
        }
    }

    private async Task FollowAsync(CachedService cached, CancellationToken cancellationToken)
    {
        long? index = null;
        var instances = new Dictionary<string, ServiceInstance>(StringComparer.Ordinal);
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in discovery.WatchAsync(cached.Name, index, cancellationToken))
                {
                    if (e.Snapshot is { } snapshot)
                    {
                        instances = snapshot.Instances.ToDictionary(i => i.Id, StringComparer.Ordinal);
                    }
                    else if (e.Change is { } change)
                    {
                        if (change.Instance is null)
                        {
                            instances.Remove(change.InstanceId);
                        }
                        else
                        {
                            instances[change.InstanceId] = change.Instance;
                        }
                    }

                    index = e.Index;
                    cached.Publish(e.Index, instances.Values);
                    backoff = TimeSpan.FromMilliseconds(100);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (PlatformValidationException ex)
            {
                cached.Fail(ex);
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogWatchFailed(cached.Name, index, backoff.TotalMilliseconds, ex);
                try
                {
                    await Task.Delay(backoff, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromMilliseconds(Math.Min(5_000, backoff.TotalMilliseconds * 2));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] watches;
        lock (_gate)
        {
            _stop.Cancel();
            watches = [.. _watches];
        }

        try
        {
            await Task.WhenAll(watches);
        }
        catch (Exception ex) when (ex is OperationCanceledException or PlatformException)
        {
        }

        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The watch of service {Service} failed after index {Index}; resuming in {DelayMs} ms")]
    private partial void LogWatchFailed(string service, long? index, double delayMs, Exception error);
}
