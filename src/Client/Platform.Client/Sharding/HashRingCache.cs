using Microsoft.Extensions.Options;
using Platform.KeyValue;

namespace Platform.Sharding;

/// <summary>
/// The hash rings this client routes by, one per shard count, shared by every namespace with that count: at most
/// <see cref="Capacity"/> (<c>Platform:KeyValue:RingCacheSize</c>, default 32) are kept, the least recently used
/// dropped first. A ring costs 12 bytes x 128 virtual nodes per shard (96 KiB at 64 shards, 6 MiB at 4096) and takes
/// about as long to build as to sort that many points, so routing never holds a ring of its own: it asks here on every
/// use, and a ring dropped while namespaces with its count are still in use is built again on their next call.
/// Size the cache above the number of distinct shard counts in use.
/// </summary>
public sealed class HashRingCache
{
    private readonly BoundedCache<int, HashRing> _rings;

    public HashRingCache(IOptions<KeyValueOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _rings = new BoundedCache<int, HashRing>(options.Value.RingCacheSize);
    }

    /// <summary>Most rings kept.</summary>
    public int Capacity => _rings.Capacity;

    /// <summary>Rings kept now; never more than <see cref="Capacity"/>.</summary>
    public int Count => _rings.Count;

    /// <summary>The ring of <paramref name="shardCount"/> shards, built on a miss.</summary>
    public HashRing For(int shardCount) => _rings.GetOrAdd(shardCount, static n => new HashRing(n));
}
