using Platform.Caches;

namespace Platform.Tests.Caches;

/// <summary>The shard's entry store without a cluster: exact eviction order, byte capacity, TTL, sliding expiry, tags.</summary>
public sealed class CacheStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static CacheEntry Entry(string key, int? ttlMs = null, int? slidingMs = null, string[]? tags = null, int size = 1) => new()
    {
        Key = key,
        Value = new byte[size],
        Version = 1,
        Tags = tags ?? [],
        ExpiresAt = slidingMs is { } s ? T0.AddMilliseconds(s) : ttlMs is { } t ? T0.AddMilliseconds(t) : null,
        AbsoluteExpiresAt = ttlMs is { } a ? T0.AddMilliseconds(a) : null,
        SlidingMs = slidingMs,
        CachedAt = T0,
    };

    /// <summary>At capacity, LRU evicts exactly the entry used least recently, reads and writes both counting as uses.</summary>
    [Fact]
    public void Lru_AtCapacity_EvictsTheLeastRecentlyUsedEntry()
    {
        var store = new CacheStore(3, null, CacheEviction.Lru);
        foreach (var key in new[] { "a", "b", "c" })
        {
            store.Set(Entry(key), T0);
        }

        store.Get("a", T0);
        store.Set(Entry("c"), T0);                          // a rewrite is a use: b is now the oldest
        Assert.Equal(["b"], store.Set(Entry("d"), T0));
        Assert.Equal(["a", "c", "d"], store.EvictionOrder());
        Assert.Equal(["a"], store.Set(Entry("e"), T0));
        Assert.Equal(2, store.Evictions);
    }

    /// <summary>At capacity, LFU evicts the entry with the fewest uses, and among equals the least recently used.</summary>
    [Fact]
    public void Lfu_AtCapacity_EvictsTheLeastFrequentlyUsedThenOldest()
    {
        var store = new CacheStore(3, null, CacheEviction.Lfu);
        foreach (var key in new[] { "a", "b", "c" })
        {
            store.Set(Entry(key), T0);
        }

        store.Get("a", T0);
        store.Get("a", T0);
        store.Get("c", T0);                                  // uses: a 3, b 1, c 2
        Assert.Equal(["b"], store.Set(Entry("d"), T0));      // b had 1 use
        Assert.Equal(["d"], store.Set(Entry("e"), T0));      // d and e have 1 use; d is older
        Assert.Equal(3, store.Get("a", T0)!.Uses - 1);
        Assert.Equal(["e", "c", "a"], store.EvictionOrder());
    }

    /// <summary>The byte bound evicts in order until the shard fits, never the entry just set.</summary>
    [Fact]
    public void Bytes_OverCapacity_EvictsOldestUntilWithinBound()
    {
        var store = new CacheStore(100, 300, CacheEviction.Lru);
        store.Set(Entry("a", size: 99), T0);
        store.Set(Entry("b", size: 99), T0);
        store.Set(Entry("c", size: 99), T0);
        Assert.Equal(["a", "b"], store.Set(Entry("d", size: 199), T0));
        Assert.True(store.Bytes <= 300, $"bytes {store.Bytes}");
    }

    /// <summary>An entry is served until its expiry and not a tick after.</summary>
    [Fact]
    public void Ttl_ExpiresExactlyAtExpiry()
    {
        var store = new CacheStore(10, null, CacheEviction.Lru);
        store.Set(Entry("a", ttlMs: 1000), T0);
        Assert.NotNull(store.Get("a", T0.AddMilliseconds(999)));
        Assert.Null(store.Get("a", T0.AddMilliseconds(1000)));
        Assert.Equal(1, store.Expirations);
        Assert.Equal(0, store.Count);
    }

    /// <summary>A sliding entry lives as long as it is read within the window, never past its absolute expiry.</summary>
    [Fact]
    public void Sliding_ReadsExtendUpToAbsoluteExpiry()
    {
        var store = new CacheStore(10, null, CacheEviction.Lru);
        store.Set(Entry("a", ttlMs: 2500, slidingMs: 1000), T0);
        Assert.NotNull(store.Get("a", T0.AddMilliseconds(900)));
        Assert.NotNull(store.Get("a", T0.AddMilliseconds(1800)));   // extended to 1900, then 2800 capped at 2500
        Assert.NotNull(store.Get("a", T0.AddMilliseconds(2499)));
        Assert.Null(store.Get("a", T0.AddMilliseconds(2500)));

        store.Set(Entry("b", slidingMs: 1000), T0);
        Assert.Null(store.Get("b", T0.AddMilliseconds(1000)));      // not read within the window
    }

    /// <summary>Tag and prefix removal drop exactly the matching entries.</summary>
    [Fact]
    public void Tags_AndPrefix_RemoveExactlyTheMatchingEntries()
    {
        var store = new CacheStore(10, null, CacheEviction.Lru);
        store.Set(Entry("t-1", tags: ["red"]), T0);
        store.Set(Entry("t-2", tags: ["red", "blue"]), T0);
        store.Set(Entry("t-3", tags: ["blue"]), T0);
        store.Set(Entry("u-1"), T0);
        Assert.Equal(["t-1", "t-2"], store.RemoveTag("red").Order(StringComparer.Ordinal));
        Assert.Empty(store.RemoveTag("red"));
        Assert.Equal(["t-3"], store.RemovePrefix("t-"));
        Assert.Equal(["u-1"], store.EvictionOrder());
        Assert.Equal(CacheStore.SizeOf("u-1", 1, null, []), store.Bytes);
        Assert.Equal(4, CacheStore.SizeOf("k", 1, "ab", []));
    }
}
