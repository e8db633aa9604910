using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.Telemetry;

namespace Platform.Caches;

/// <summary>
/// The caches block's instruments (label <c>cache</c>): reads answered from the cache (<c>platform.caches.hits</c>),
/// reads that found nothing (<c>platform.caches.misses</c>) and entries pushed out by the capacity bound
/// (<c>platform.caches.evictions</c>), write-behind keys given up on after <c>writeBehind.maxAgeMs</c> of failing
/// source writes (<c>platform.caches.write_behind.dropped</c>). The hit ratio is hits / (hits + misses).
/// </summary>
public sealed class CacheMetrics
{
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _dropped;
    private readonly LabelNames _names = new();

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public CacheMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(PlatformMeter.Name);
        _hits = meter.CreateCounter<long>("platform.caches.hits", "{read}", "Cache reads answered from the cache.");
        _misses = meter.CreateCounter<long>("platform.caches.misses", "{read}", "Cache reads that found no live entry.");
        _evictions = meter.CreateCounter<long>("platform.caches.evictions", "{entry}", "Entries evicted by the capacity bound.");
        _dropped = meter.CreateCounter<long>("platform.caches.write_behind.dropped", "{write}", "Write-behind writes given up on after writeBehind.maxAgeMs of failing source writes.");
    }

    /// <summary>One read answered from the cache.</summary>
    public void Hit(string cache) => _hits.Add(1, Tag(cache));

    /// <summary>One read that found nothing.</summary>
    public void Miss(string cache) => _misses.Add(1, Tag(cache));

    /// <summary><paramref name="count"/> entries evicted.</summary>
    public void Evicted(string cache, int count)
    {
        if (count > 0)
        {
            _evictions.Add(count, Tag(cache));
        }
    }

    /// <summary>One write-behind key given up on.</summary>
    public void WriteBehindDropped(string cache) => _dropped.Add(1, Tag(cache));

    private TagList Tag(string cache) => new() { { "cache", _names.Of(cache) } };
}
