using Orleans.Concurrency;

namespace Platform.Caches;

/// <summary>A near cache listening to a shard's changes (an Orleans grain observer). Guarantee: none per message; gaps are detected by sequence.</summary>
[Alias("Platform.ICacheObserver")]
public interface ICacheObserver : IGrainObserver
{
    [OneWay]
    [Alias("Changed")]
    Task Changed(CacheChange change);
}
