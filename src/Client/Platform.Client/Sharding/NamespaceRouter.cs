using Platform.KeyValue;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.Validation;

namespace Platform.Sharding;

/// <summary>
/// Caches namespace settings and rings for routing. Settings never change while a namespace lives, and a
/// shard of a deleted generation answers NamespaceGone, so a stale entry costs one retry, never a wrong write.
/// </summary>
internal sealed class NamespaceRouter(IGrainFactory grains, IOptions<KeyValueOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, RoutedNamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, HashRing> _rings = new();

    public async Task<RoutedNamespace> ResolveAsync(string ns, CancellationToken cancellationToken)
    {
        if (NameRules.CheckName(ns) is { } error)
        {
            throw new PlatformValidationException("namespace", error);
        }

        var now = time.GetUtcNow();
        if (_namespaces.TryGetValue(ns, out var cached) && now - cached.FetchedAt < options.Value.RoutingCacheTtl)
        {
            return cached;
        }

        var settings = await grains.GetGrain<INamespaceGrain>(ns).Get().WaitAsync(cancellationToken)
            ?? throw new PlatformNotFoundException($"Namespace '{ns}' does not exist.");
        var routed = new RoutedNamespace(settings, _rings.GetOrAdd(settings.Shards, static n => new HashRing(n)), now);
        _namespaces[ns] = routed;
        return routed;
    }

    public void Invalidate(string ns) => _namespaces.TryRemove(ns, out _);
}
