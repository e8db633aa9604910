using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Platform.Caches;
using Platform.Testing.Waiting;

namespace Platform.Tests.Caches;

/// <summary>
/// <see cref="IDistributedCache"/> on Platform, checked against the interface's documented behaviours (get, set
/// with absolute, relative and sliding expiration, refresh, remove) on the fake clock, and HybridCache over it in two
/// hosts.
/// </summary>
[Collection(CachesCollection.Name)]
public sealed class DistributedCacheTests(CachesFixture fixture)
{
    private static readonly byte[] Value = [1, 2, 3];

    private PlatformDistributedCache Cache(string name, ICaches? caches = null) =>
        new(caches ?? fixture.Caches, Options.Create(new PlatformDistributedCacheOptions
        {
            CacheName = name,
            Spec = new CacheSpec { Shards = 2, Capacity = new CacheCapacity { Entries = 1000 } },
        }), Options.Create(new CachesOptions()), fixture.Time, new ServiceCollection().BuildServiceProvider());

    private static string Name() => $"dist-{Guid.NewGuid():N}";

    /// <summary>Get answers null for a missing key and the bytes set; the cache is created on first use.</summary>
    [Fact]
    public async Task GetAndSet_RoundTripAndMissingIsNull()
    {
        using var cache = Cache(Name());
        Assert.Null(await cache.GetAsync("missing"));
        await cache.SetAsync("k", Value, new DistributedCacheEntryOptions());
        Assert.Equal(Value, await cache.GetAsync("k"));
        Assert.Equal(Value, cache.Get("k"));
    }

    /// <summary>Relative and absolute expiration end the entry at that time, the earlier of the two when both are set; a past absolute expiration throws.</summary>
    [Fact]
    public async Task AbsoluteExpiration_EndsTheEntryAtThatTime()
    {
        using var cache = Cache(Name());
        await cache.SetAsync("rel", Value, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1) });
        await cache.SetAsync("abs", Value, new DistributedCacheEntryOptions { AbsoluteExpiration = fixture.Time.GetUtcNow().AddSeconds(2), AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(5) });
        fixture.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.NotNull(await cache.GetAsync("rel"));
        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await cache.GetAsync("rel"));
        Assert.NotNull(await cache.GetAsync("abs"));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await cache.GetAsync("abs"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cache.SetAsync("past", Value, new DistributedCacheEntryOptions { AbsoluteExpiration = fixture.Time.GetUtcNow().AddSeconds(-1) }));
    }

    /// <summary>Sliding expiration: reads and Refresh extend the entry by the window, never past its absolute expiration; unread it ends after one window.</summary>
    [Fact]
    public async Task SlidingExpiration_ReadsAndRefreshExtendUpToAbsolute()
    {
        using var cache = Cache(Name());
        await cache.SetAsync("s", Value, new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(1), AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(3) });
        fixture.Time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.NotNull(await cache.GetAsync("s"));
        fixture.Time.Advance(TimeSpan.FromMilliseconds(900));
        await cache.RefreshAsync("s");
        fixture.Time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.NotNull(await cache.GetAsync("s"));                     // 2.7 s: alive only because of the refresh
        fixture.Time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Null(await cache.GetAsync("s"));                        // 3 s: the absolute expiration wins

        await cache.SetAsync("u", Value, new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(1) });
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await cache.GetAsync("u"));
    }

    /// <summary>Remove deletes the entry; removing or refreshing a missing key is not an error.</summary>
    [Fact]
    public async Task Remove_DeletesAndMissingIsFine()
    {
        using var cache = Cache(Name());
        await cache.SetAsync("k", Value, new DistributedCacheEntryOptions());
        await cache.RemoveAsync("k");
        Assert.Null(await cache.GetAsync("k"));
        await cache.RemoveAsync("k");
        await cache.RefreshAsync("k");
        cache.Remove("k");
    }

    private static HybridCache Hybrid(string name, ICaches caches)
    {
        var services = new ServiceCollection();
        services.AddSingleton(caches);
        services.AddPlatformDistributedCache(o => o.CacheName = name);
        services.AddHybridCache();
        return services.BuildServiceProvider().GetRequiredService<HybridCache>();
    }

    /// <summary>A host's HybridCache whose tag check runs on <paramref name="tagClock"/>; also answers its <see cref="PlatformDistributedCache"/>.</summary>
    private static (HybridCache Hybrid, PlatformDistributedCache L2) Hybrid(string name, ICaches caches, TimeProvider tagClock, TimeSpan tagCheck)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IDistributedCache>(sp => new PlatformDistributedCache(caches,
            Options.Create(new PlatformDistributedCacheOptions { CacheName = name, TagCheckInterval = tagCheck }), Options.Create(new CachesOptions()), tagClock, sp));
        services.AddHybridCache();
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<HybridCache>(), (PlatformDistributedCache)provider.GetRequiredService<IDistributedCache>());
    }

    /// <summary>HybridCache in two hosts shares Platform as its L2: what one host created the other reads without calling its factory, and a removal through one is seen by the other once it reads L2.</summary>
    [Fact]
    public async Task HybridCache_TwoHosts_ShareL2AndSeeRemovals()
    {
        var name = Name();
        var a = Hybrid(name, fixture.Caches);
        var b = Hybrid(name, fixture.HostCaches);
        var noL1 = new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableLocalCache };
        var calls = 0;
        ValueTask<string> Factory(string value) { Interlocked.Increment(ref calls); return ValueTask.FromResult(value); }

        Assert.Equal("from-a", await a.GetOrCreateAsync("k", _ => Factory("from-a"), noL1, tags: ["t"]));
        await Eventually.Until(async ct => await fixture.Caches.GetAsync(name, "k", ct) is not null, "HybridCache's L2 write (it writes in the background)");
        Assert.Equal("from-a", await b.GetOrCreateAsync("k", _ => Factory("from-b"), noL1));
        Assert.Equal(1, calls);

        await a.RemoveAsync("k");
        Assert.Equal("from-b", await b.GetOrCreateAsync("k", _ => Factory("from-b"), noL1, tags: ["t"]));

        // HybridCache answers the caller before its L2 write: an invalidation sent before b's write lands would be
        // overtaken by it, and a would then read "from-b" (what full runs under load saw). Wait for the write first.
        await Eventually.Until(async ct => await fixture.Caches.GetAsync(name, "k", ct) is not null, "b's L2 write (in the background)");

        // Platform's own invalidation reaches HybridCache's L2 too.
        await fixture.Caches.InvalidateAsync(name, new CacheInvalidation { Keys = ["k"] });
        Assert.Equal("again", await a.GetOrCreateAsync("k", _ => Factory("again"), noL1));
        Assert.Equal(3, calls);
    }

    /// <summary>
    /// HybridCache with its L1 on in two hosts: a tag removed through one host reaches the other's L1 (its tag stamp
    /// re-read by the periodic check and applied there), so the other host's next read runs its factory; and the
    /// other host does not write the stamp back (no ping-pong between hosts).
    /// </summary>
    [Fact]
    public async Task HybridCache_RemoveByTagOnOneHost_ReachesTheOtherHostsL1()
    {
        var name = Name();
        var a = Hybrid(name, fixture.Caches);
        var b = Hybrid(name, fixture.HostCaches);
        Assert.Equal("v1", await a.GetOrCreateAsync("k", _ => ValueTask.FromResult("v1"), tags: ["t"]));
        await Eventually.Until(async ct => await fixture.Caches.GetAsync(name, "k", ct) is not null, "HybridCache's L2 write");
        Assert.Equal("v1", await b.GetOrCreateAsync("k", _ => ValueTask.FromResult("b-factory"), tags: ["t"]));   // from L2, now in b's L1 too
        Assert.Equal("v1", await b.GetOrCreateAsync("k", _ => ValueTask.FromResult("b-factory"), tags: ["t"]));

        await a.RemoveByTagAsync("t");
        var stamp = await Eventually.Until(ct => fixture.Caches.GetAsync(name, PlatformDistributedCache.HybridTagPrefix + "t", ct), e => e is not null, "a's tag stamp in L2");
        await Eventually.Until(async ct => await b.GetOrCreateAsync("k", _ => ValueTask.FromResult("v2"), tags: ["t"], cancellationToken: ct) == "v2",
            "b's L1 to drop the entry of the removed tag", TimeSpan.FromSeconds(20));
        Assert.Equal(stamp!.Version, (await fixture.Caches.GetAsync(name, PlatformDistributedCache.HybridTagPrefix + "t"))!.Version);
    }

    /// <summary>
    /// The bound of a tag removal across hosts, with host B's tag check on a fake clock: after A's RemoveByTagAsync
    /// put its stamp in L2, B goes on serving its L1 copy while less than one TagCheckInterval passes (nothing else
    /// carries the removal), and once the interval is up B's next reads run the factory within one L2 read of the
    /// check (measured; bounded here by a generous wall-clock deadline for a loaded machine).
    /// </summary>
    [Fact]
    public async Task HybridCache_RemoveByTagOnOneHost_ReachesTheOtherHostWithinOneTagCheck()
    {
        var name = Name();
        var interval = TimeSpan.FromSeconds(1);
        var clockA = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var clockB = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (a, _) = Hybrid(name, fixture.Caches, clockA, interval);
        var (b, l2OfB) = Hybrid(name, fixture.HostCaches, clockB, interval);
        Assert.Equal("v1", await a.GetOrCreateAsync("k", _ => ValueTask.FromResult("v1"), tags: ["t"]));
        await Eventually.Until(async ct => await fixture.Caches.GetAsync(name, "k", ct) is not null, "HybridCache's L2 write");
        Assert.Equal("v1", await b.GetOrCreateAsync("k", _ => ValueTask.FromResult("b-factory"), tags: ["t"]));   // from L2, into b's L1
        await Eventually.Until(() => l2OfB.Tracks("t"), "b to have read the tag's stamp (its check is armed from now)");

        await a.RemoveByTagAsync("t");
        await Eventually.Until(async ct => await fixture.Caches.GetAsync(name, PlatformDistributedCache.HybridTagPrefix + "t", ct) is not null, "a's tag stamp in L2");
        clockB.Advance(interval - TimeSpan.FromMilliseconds(1));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("v1", await b.GetOrCreateAsync("k", _ => ValueTask.FromResult("v2"), tags: ["t"]));      // before the check: b's L1 copy
            await Task.Delay(20);
        }

        clockB.Advance(TimeSpan.FromMilliseconds(1));                                                          // the check is due
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.Until(async ct => await b.GetOrCreateAsync("k", _ => ValueTask.FromResult("v2"), tags: ["t"], cancellationToken: ct) == "v2",
            "b's check to apply the removed tag", TimeSpan.FromSeconds(10));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"the check took {started.Elapsed.TotalMilliseconds} ms after it was due");
    }
}
