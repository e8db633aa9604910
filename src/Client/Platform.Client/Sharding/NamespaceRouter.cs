using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Validation;

namespace Platform.Sharding;

/// <summary>
/// Caches namespace settings and rings for routing; any sharded block routes through it. Settings never change while
/// a namespace lives, and a shard of a deleted generation answers NamespaceGone, so a stale entry costs one retry
/// (<see cref="RunAsync"/>), never a wrong write.
/// </summary>
internal sealed class NamespaceRouter(IGrainFactory grains, IOptions<KeyValueOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, RoutedNamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, HashRing> _rings = new();

    public async Task<RoutedNamespace> ResolveAsync(string ns, CancellationToken cancellationToken)
    {
        Checks.Name(ns, "namespace");
        var now = time.GetUtcNow();
        if (_namespaces.TryGetValue(ns, out var cached) && now - cached.FetchedAt < options.Value.RoutingCacheTtl)
        {
            return cached;
        }

        var settings = await grains.GetGrain<INamespaceGrain>(ns).Get().WaitAsync(cancellationToken)
            ?? throw NotFound(ns);
        var routed = new RoutedNamespace(settings, _rings.GetOrAdd(settings.Shards, static n => new HashRing(n)), now, grains);
        _namespaces[ns] = routed;
        return routed;
    }

    /// <summary>
    /// Runs <paramref name="call"/> on the namespace's routing. When a shard reports its generation gone
    /// (<see cref="NamespaceGoneException"/>), the routing is refreshed and the call runs once more; gone again, the
    /// namespace does not exist.
    /// </summary>
    public async Task<T> RunAsync<T>(string ns, Func<RoutedNamespace, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var routed = await ResolveAsync(ns, cancellationToken);
            try
            {
                return await call(routed).WaitAsync(cancellationToken);
            }
            catch (NamespaceGoneException) when (attempt == 0)
            {
                Invalidate(ns);
            }
            catch (NamespaceGoneException)
            {
                Invalidate(ns);
                throw NotFound(ns);
            }
        }
    }

    public void Invalidate(string ns) => _namespaces.TryRemove(ns, out _);

    public static PlatformNotFoundException NotFound(string ns) => new($"Namespace '{ns}' does not exist.");
}
