using System.Diagnostics;
using System.Globalization;
using System.Text;
using Platform.Caches;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.Tests.Caches;

/// <summary>
/// Near caches in two client hosts (the test's typed client and the HTTP host's): pushed invalidations over grain
/// observers, the push delay measured, and the gap detector clearing a copy whose pushes were cut.
/// </summary>
[Collection(CachesCollection.Name)]
public sealed class NearCacheTests(CachesFixture fixture, ITestOutputHelper output)
{
    private static string Name(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<string> NearCacheAsync(int shards = 2)
    {
        var cache = Name("near");
        await fixture.Caches.PutAsync(cache, new CacheSpec
        {
            Shards = shards,
            Capacity = new CacheCapacity { Entries = 1000 },
            NearCache = new CacheNearCache { Enabled = true, TtlMs = 600_000, Capacity = 100 },
        });
        return cache;
    }

    private static NearCache Near(ICaches caches, string cache) =>
        ((DistributedCaches)caches).NearCacheOf(cache) ?? throw new InvalidOperationException($"no near cache of {cache}");

    /// <summary>
    /// A write through one host reaches the other host's near cache by push: after every write the other host serves
    /// the new value once the push has arrived, never the old one after it; the delays are reported.
    /// </summary>
    [Fact]
    public async Task WriteThroughOneHost_OtherHostsCopyIsInvalidatedByPush()
    {
        var cache = await NearCacheAsync();
        var writer = fixture.Caches;
        var reader = fixture.HostCaches;
        var delays = new List<double>();
        for (var round = 0; round < 20; round++)
        {
            var old = Encoding.UTF8.GetBytes($"v{round}");
            var next = Encoding.UTF8.GetBytes($"v{round + 1}");
            await writer.SetAsync(cache, "k", old);
            // The push of this very write may land after the read that filled the copy, and drop it: read until a copy stays.
            await Eventually.Until(
                async ct => (await reader.GetAsync(cache, "k", ct))?.Value.SequenceEqual(old) == true && Near(reader, cache).TryGet("k") is { } copy && copy.Value.SequenceEqual(old),
                "the reader to see the old value and hold a near copy of it");

            var clock = Stopwatch.StartNew();
            await writer.SetAsync(cache, "k", next);
            var acked = clock.Elapsed;
            await Eventually.Until(() => Near(reader, cache).TryGet("k") is null, "the push to drop the reader's copy", TimeSpan.FromSeconds(10));
            delays.Add((clock.Elapsed - acked).TotalMilliseconds);
            Assert.Equal(next, (await reader.GetAsync(cache, "k"))!.Value);      // and from then on never the old value
        }

        delays.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"push delay after the write's answer: p50 {delays[delays.Count / 2]:F2} ms, max {delays[^1]:F2} ms over {delays.Count} writes"));
    }

    /// <summary>Invalidations by key, tag and prefix through one host drop the other host's copies too.</summary>
    [Fact]
    public async Task InvalidateThroughOneHost_DropsTheOtherHostsCopies()
    {
        var cache = await NearCacheAsync();
        foreach (var key in new[] { "a", "b", "p-1" })
        {
            await fixture.Caches.SetAsync(cache, key, [1], new CacheSetOptions { Tags = key == "b" ? ["blue"] : [] });
            Assert.NotNull(await fixture.HostCaches.GetAsync(cache, key));
        }

        var near = Near(fixture.HostCaches, cache);
        Assert.Equal(3, near.Count);
        await fixture.Caches.InvalidateAsync(cache, new CacheInvalidation { Keys = ["a"] });
        await Eventually.Until(() => near.TryGet("a") is null, "the key invalidation to arrive");
        await fixture.Caches.InvalidateAsync(cache, new CacheInvalidation { Tags = ["blue"] });
        await fixture.Caches.InvalidateAsync(cache, new CacheInvalidation { Prefix = "p-" });
        await Eventually.Until(() => near.Count == 0, "the tag and prefix invalidations to arrive", state: () => $"{near.Count} copies");
    }

    /// <summary>
    /// Cut the push (the subscription is dropped at the shards without the near cache knowing): the copy is stale for
    /// at most one check period; the check finds the shard's sequence moved and clears the copies of that shard.
    /// </summary>
    [Fact]
    public async Task PushCut_GapDetectorClearsTheCopyWithinOneCheck()
    {
        var cache = await NearCacheAsync(shards: 1);
        await fixture.HostCaches.SetAsync(cache, "k", "old"u8.ToArray());
        Assert.Equal("old"u8.ToArray(), (await fixture.Caches.GetAsync(cache, "k"))!.Value);
        var near = Near(fixture.Caches, cache);
        await near.CutPushAsync();

        await fixture.HostCaches.SetAsync(cache, "k", "new"u8.ToArray());
        Assert.Equal("old"u8.ToArray(), (await fixture.Caches.GetAsync(cache, "k"))!.Value);   // no push: the copy is stale
        var gaps = near.GapsSeen;
        await fixture.Time.AdvanceUntilAsync(() => near.GapsSeen > gaps, TimeSpan.FromMilliseconds(100), CachesFixture.NearCacheCheck + TimeSpan.FromMilliseconds(100), "the check to see the gap");
        await Eventually.Until(async ct => (await fixture.Caches.GetAsync(cache, "k", ct))!.Value.SequenceEqual("new"u8.ToArray()), "the copy to be gone");

        // The check renewed the subscription: pushes flow again.
        await fixture.HostCaches.SetAsync(cache, "k", "newer"u8.ToArray());
        await Eventually.Until(() => near.TryGet("k") is null, "pushes to flow again after the check");
    }

    /// <summary>A push whose sequence skips one (a missed message) clears the copies of its shard instead of serving them.</summary>
    [Fact]
    public async Task PushWithSequenceGap_ClearsThatShardsCopies()
    {
        var cache = await NearCacheAsync(shards: 1);
        await fixture.Caches.SetAsync(cache, "a", [1]);
        await fixture.Caches.SetAsync(cache, "b", [1]);
        Assert.NotNull(await fixture.HostCaches.GetAsync(cache, "a"));
        Assert.NotNull(await fixture.HostCaches.GetAsync(cache, "b"));
        var near = Near(fixture.HostCaches, cache);
        var stats = await fixture.Caches.StatsAsync(cache);
        await near.Changed(new CacheChange { Cache = cache, Generation = near.Settings.Generation, Shard = 0, Sequence = stats.Shards[0].Sequence + 2, Keys = ["unrelated"] });
        Assert.Equal(0, near.Count);
        Assert.Equal(1, near.GapsSeen);
    }
}
