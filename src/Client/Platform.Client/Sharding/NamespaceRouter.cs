using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Replication;
using Platform.Validation;

namespace Platform.Sharding;

/// <summary>
/// Caches namespace settings for routing; any sharded block routes through it, and every call it routes runs in
/// <see cref="RunAsync{T}"/>. Settings never change while a namespace lives, and a shard of a deleted generation
/// answers every call (read, listing, stats, write, transaction) with NamespaceGone, so a stale entry costs one retry,
/// never a wrong answer or a wrong write. Bounded: at most <see cref="KeyValueOptions.RoutingCacheSize"/> namespaces
/// (least recently used dropped first); rings come from the bounded <see cref="HashRingCache"/>.
/// </summary>
internal sealed class NamespaceRouter(IGrainFactory grains, HashRingCache rings, IOptions<KeyValueOptions> options, TimeProvider time, ReplicaGroupClient groups)
{
    private readonly BoundedCache<string, RoutedNamespace> _namespaces = new(options.Value.RoutingCacheSize, StringComparer.Ordinal);

    private async Task<RoutedNamespace> ResolveAsync(string ns, CancellationToken cancellationToken)
    {
        Checks.Name(ns, "namespace");
        var now = time.GetUtcNow();
        if (_namespaces.TryGet(ns, out var cached) && now - cached.FetchedAt < options.Value.RoutingCacheTtl)
        {
            return cached;
        }

        var settings = await grains.GetGrain<INamespaceGrain>(ns).Get().WaitAsync(cancellationToken)
            ?? throw NotFound(ns);
        var routed = new RoutedNamespace(settings, rings, now, grains, groups);
        _namespaces.Set(ns, routed);
        return routed;
    }

    /// <summary>
    /// Runs <paramref name="call"/> on the namespace's routing: the one place a stale routing is handled. When a shard
    /// reports its generation gone (<see cref="NamespaceGoneException"/>, from a read, a listing, stats, a write or a
    /// transaction), the routing is refreshed and the call runs once more; gone again, the namespace does not exist.
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
                Invalidate(ns, routed);
            }
            catch (NamespaceGoneException)
            {
                Invalidate(ns, routed);
                throw NotFound(ns);
            }
        }
    }

    public void Invalidate(string ns) => _namespaces.Remove(ns);

    public static PlatformNotFoundException NotFound(string ns) => new($"Namespace '{ns}' does not exist.");

    /// <summary>Drops the entry the failed call used, unless a concurrent call already replaced it with newer settings.</summary>
    private void Invalidate(string ns, RoutedNamespace stale)
    {
        if (_namespaces.TryGet(ns, out var current) && current.Settings.Generation <= stale.Settings.Generation)
        {
            _namespaces.Remove(ns);
        }
    }
}
