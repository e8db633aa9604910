using System.Text;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Sharding;

/// <summary>The typed client's routing caches are bounded: rings per shard count and namespaces, least recently used dropped first.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RoutingCacheBoundTests(ClusterFixture fixture)
{
    /// <summary>
    /// Namespaces with 40 distinct shard counts, each written and read through the typed client, leave at most
    /// <c>Platform:KeyValue:RingCacheSize</c> (32) rings cached; a namespace whose ring was dropped routes by a rebuilt
    /// one, the same as before (every key is found again on its shard).
    /// </summary>
    [Fact]
    public async Task Routing_NamespacesWithManyShardCounts_KeepsAtMostRingCacheSizeRings()
    {
        var store = fixture.Service<IKeyValueStore>();
        var admin = fixture.Service<INamespaceAdmin>();
        var rings = fixture.Service<HashRingCache>();
        Assert.Equal(new KeyValueOptions().RingCacheSize, rings.Capacity);
        var prefix = $"rings-{Guid.NewGuid():N}"[..14];
        var counts = Enumerable.Range(1, rings.Capacity + 8).ToList();

        foreach (var shards in counts)
        {
            await admin.CreateAsync($"{prefix}-{shards}", new NamespaceSpec { Shards = shards });
            await store.PutAsync($"{prefix}-{shards}", "key", Encoding.UTF8.GetBytes($"{shards} shards"));
            Assert.True(rings.Count <= rings.Capacity, $"{rings.Count} rings cached after {shards} shard counts (capacity {rings.Capacity})");
        }

        Assert.Equal(rings.Capacity, rings.Count);
        foreach (var shards in counts)
        {
            var entry = await store.GetAsync($"{prefix}-{shards}", "key");
            Assert.Equal($"{shards} shards", Encoding.UTF8.GetString(entry!.Value));
            var location = await admin.LocateAsync($"{prefix}-{shards}", "key");
            Assert.Equal(new HashRing(shards).ShardFor("key"), location.Shard);
        }

        Assert.True(rings.Count <= rings.Capacity);
    }

    /// <summary>A full cache drops its least recently used entry (a hit counts as a use) and never holds more than its capacity.</summary>
    [Fact]
    public void BoundedCache_WhenFull_DropsTheLeastRecentlyUsedEntry()
    {
        var cache = new BoundedCache<string, int>(3, StringComparer.Ordinal);
        cache.Set("a", 1);
        cache.Set("b", 2);
        cache.Set("c", 3);
        Assert.True(cache.TryGet("a", out _));

        cache.Set("d", 4);
        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet("b", out _));
        Assert.Equal(5, cache.GetOrAdd("e", _ => 5));
        Assert.False(cache.TryGet("c", out _));
        Assert.Equal(3, cache.Count);
        Assert.True(cache.TryGet("a", out var a) && a == 1);

        cache.Set("a", 10);
        Assert.Equal(3, cache.Count);
        Assert.Equal(10, cache.GetOrAdd("a", _ => 99));
        cache.Remove("a");
        Assert.Equal(2, cache.Count);
    }

    /// <summary>Concurrent misses and hits never leave more entries than the capacity.</summary>
    [Fact]
    public async Task BoundedCache_UnderConcurrentAdds_StaysWithinCapacity()
    {
        var cache = new BoundedCache<int, int>(8);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var key = (i * 7 + t) % 50;
                Assert.Equal(key, cache.GetOrAdd(key, k => k));
                Assert.True(cache.Count <= cache.Capacity);
            }
        })));
        Assert.True(cache.Count <= cache.Capacity);
    }
}
