using System.Diagnostics.Metrics;
using Platform.Telemetry;

namespace Platform.Caches;

/// <summary>
/// The caches block's instruments (label <c>cache</c>): reads answered from the cache (<c>platform.caches.hits</c>),
/// reads that found nothing (<c>platform.caches.misses</c>), entries pushed out by the capacity bound
/// (<c>platform.caches.evictions</c>) and write-behind writes given up on (<c>platform.caches.write_behind.dropped</c>).
/// The hit ratio is hits / (hits + misses).
/// </summary>
public sealed class CacheMetrics
{
    private readonly NamedCounter _hits;
    private readonly NamedCounter _misses;
    private readonly NamedCounter _evictions;
    private readonly NamedCounter _dropped;

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public CacheMetrics(IMeterFactory meters)
    {
        var caches = new BlockInstruments(meters, "caches", "cache");
        _hits = caches.Counter("hits", "{read}", "Cache reads answered from the cache.");
        _misses = caches.Counter("misses", "{read}", "Cache reads that found no live entry.");
        _evictions = caches.Counter("evictions", "{entry}", "Entries evicted by the capacity bound.");
        _dropped = caches.Counter("write_behind.dropped", "{write}", "Write-behind writes given up on after writeBehind.maxAgeMs of failing source writes.");
    }

    /// <summary>One read answered from the cache.</summary>
    public void Hit(string cache) => _hits.Add(cache);

    /// <summary>One read that found nothing.</summary>
    public void Miss(string cache) => _misses.Add(cache);

    /// <summary><paramref name="count"/> entries evicted.</summary>
    public void Evicted(string cache, int count) => _evictions.Add(cache, count);

    /// <summary>One write-behind key given up on.</summary>
    public void WriteBehindDropped(string cache) => _dropped.Add(cache);
}
