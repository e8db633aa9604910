using System.Net;
using System.Text;
using Platform.Caches;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Testing.Waiting;

namespace Platform.Tests.Caches;

/// <summary>The five strategies against a counted source (<see cref="TestCacheSource"/>): single-flight, the stale-set race, write-through failure, write-behind, refresh-ahead.</summary>
[Collection(CachesCollection.Name)]
public sealed class CacheStrategyTests(CachesFixture fixture)
{
    private ICaches Caches => fixture.Caches;

    private IKeyValueStore Kv => fixture.Service<IKeyValueStore>();

    private static string Name(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A one-shard write-behind cache of 100 entries over the test's in-memory HTTP source.</summary>
    private async Task<string> WriteBehindCacheAsync(string prefix, CacheWriteBehind writeBehind)
    {
        var cache = Name(prefix);
        await Caches.PutAsync(cache, new CacheSpec
        {
            Shards = 1,
            Capacity = new CacheCapacity { Entries = 100 },
            Strategy = CacheStrategy.WriteBehind,
            Source = new CacheSource { Http = TestSourceState.MemoryUrl },
            WriteBehind = writeBehind,
        });
        return cache;
    }

    private async Task<(string Cache, string Ns)> ReadThroughAsync(string prefix, CacheStrategy strategy = CacheStrategy.ReadThrough, int? ttlMs = null, double? refreshAhead = null)
    {
        var ns = Name(prefix + "ns");
        await fixture.Service<INamespaceAdmin>().CreateAsync(ns, new NamespaceSpec { Shards = 2 });
        var cache = Name(prefix);
        await Caches.PutAsync(cache, new CacheSpec
        {
            Shards = 2,
            Capacity = new CacheCapacity { Entries = 1000 },
            Strategy = strategy,
            Source = new CacheSource { Namespace = ns },
            DefaultTtlMs = ttlMs,
            RefreshAhead = refreshAhead,
        });
        return (cache, ns);
    }

    /// <summary>Cache-aside: GetOrSetAsync calls the factory once for concurrent callers of one key, then serves the cached value.</summary>
    [Fact]
    public async Task Aside_GetOrSet_CallsTheFactoryOncePerKey()
    {
        var cache = Name("aside");
        await Caches.PutAsync(cache, new CacheSpec { Shards = 2, Capacity = new CacheCapacity { Entries = 100 } });
        var calls = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<byte[]> Factory(CancellationToken ct)
        {
            Interlocked.Increment(ref calls);
            await release.Task;
            return "loaded"u8.ToArray();
        }

        var readers = Enumerable.Range(0, 20).Select(_ => Caches.GetOrSetAsync(cache, "k", Factory)).ToList();
        await Eventually.Until(() => Volatile.Read(ref calls) == 1, "the factory to be called");
        release.SetResult();
        var entries = await Task.WhenAll(readers);
        Assert.All(entries, e => Assert.Equal("loaded"u8.ToArray(), e.Value));
        Assert.Equal(1, calls);
        Assert.Equal("loaded"u8.ToArray(), (await Caches.GetOrSetAsync(cache, "k", Factory)).Value);
        Assert.Equal(1, calls);
    }

    /// <summary>Read-through: 100 concurrent reads of one missing key make one source load, and every reader gets its value.</summary>
    [Fact]
    public async Task ReadThrough_100ConcurrentMisses_MakeOneSourceLoad()
    {
        var (cache, ns) = await ReadThroughAsync("rt");
        await Kv.PutAsync(ns, "user-1", "alice"u8.ToArray());
        var gate = fixture.Source.HoldLoads(cache);
        var readers = Enumerable.Range(0, 100).Select(_ => Caches.GetAsync(cache, "user-1")).ToList();
        await Eventually.Until(async ct => (await Caches.StatsAsync(cache, ct)).Total.Misses == 100, "all 100 readers to miss and wait");
        gate.SetResult();
        var entries = await Task.WhenAll(readers);
        Assert.All(entries, e => Assert.Equal("alice"u8.ToArray(), e!.Value));
        Assert.Equal(1, fixture.Source.LoadsOf(cache));
        Assert.All(entries, e => Assert.Equal(1, e!.SourceVersion));
    }

    /// <summary>The stale-set race: a slow load that read the old value, racing a source write and an invalidation, never leaves the old value cached.</summary>
    [Fact]
    public async Task ReadThrough_SlowLoadRacingInvalidation_NeverCachesTheOldValue()
    {
        var (cache, ns) = await ReadThroughAsync("race");
        await Kv.PutAsync(ns, "k", "old"u8.ToArray());
        var gate = fixture.Source.HoldLoads(cache);
        var slow = Caches.GetAsync(cache, "k");
        await Eventually.Until(() => fixture.Source.LoadsOf(cache) == 1, "the load to read the old value");
        await Kv.PutAsync(ns, "k", "new"u8.ToArray());                    // the application writes its database...
        await Caches.InvalidateAsync(cache, new CacheInvalidation { Keys = ["k"] });   // ...and invalidates
        gate.SetResult();
        await slow;
        fixture.Source.LoadGates.TryRemove(cache, out _);
        Assert.Equal("new"u8.ToArray(), (await Caches.GetAsync(cache, "k"))!.Value);
    }

    /// <summary>Version-based: a set carrying an older source version than the cached entry's is not applied.</summary>
    [Fact]
    public async Task Set_WithOlderSourceVersion_NeverReplacesANewerEntry()
    {
        var (cache, ns) = await ReadThroughAsync("ver");
        await Kv.PutAsync(ns, "k", "v1"u8.ToArray());
        await Kv.PutAsync(ns, "k", "v2"u8.ToArray());
        Assert.Equal(2, (await Caches.GetAsync(cache, "k"))!.SourceVersion);
        var stale = await Caches.SetAsync(cache, "k", "v1"u8.ToArray(), new CacheSetOptions { SourceVersion = 1 });
        Assert.Equal(CacheSetStatus.Stale, stale.Status);
        Assert.Equal("v2"u8.ToArray(), (await Caches.GetAsync(cache, "k"))!.Value);
        Assert.Equal(CacheSetStatus.Ok, (await Caches.SetAsync(cache, "k", "v3"u8.ToArray(), new CacheSetOptions { SourceVersion = 3 })).Status);
    }

    /// <summary>Write-through: the source has the value before the answer; a failed source write answers 503 and leaves the cache unchanged.</summary>
    [Fact]
    public async Task WriteThrough_SourceFirst_AndAFailedWriteLeavesTheCacheUnchanged()
    {
        var (cache, ns) = await ReadThroughAsync("wt", CacheStrategy.WriteThrough);
        var set = await Caches.SetAsync(cache, "k", "one"u8.ToArray());
        Assert.Equal(1, set.SourceVersion);
        Assert.Equal("one"u8.ToArray(), (await Kv.GetAsync(ns, "k"))!.Value);

        fixture.Source.FailWrites[cache] = true;
        try
        {
            await Assert.ThrowsAsync<PlatformUnavailableException>(() => Caches.SetAsync(cache, "k", "two"u8.ToArray()));
            var response = await fixture.Http.PutAsync($"/v1/caches/{cache}/entries/k", new ByteArrayContent("three"u8.ToArray()));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        finally
        {
            fixture.Source.FailWrites.TryRemove(cache, out _);
        }

        Assert.Equal("one"u8.ToArray(), (await Caches.GetAsync(cache, "k"))!.Value);
        Assert.Equal("one"u8.ToArray(), (await Kv.GetAsync(ns, "k"))!.Value);
    }

    /// <summary>Write-behind: acknowledged at once, written after delayMs (fake clock), writes to one key coalesced into one source write.</summary>
    [Fact]
    public async Task WriteBehind_WritesAfterDelayCoalescingPerKey()
    {
        var cache = await WriteBehindCacheAsync("wb", new CacheWriteBehind { DelayMs = 1000, MaxBatch = 10, MaxQueue = 100 });
        for (var i = 0; i < 10; i++)
        {
            await Caches.SetAsync(cache, "hot", Encoding.UTF8.GetBytes($"v{i}"));
        }

        await Caches.SetAsync(cache, "cold", "c"u8.ToArray());
        Assert.Equal("v9"u8.ToArray(), (await Caches.GetAsync(cache, "hot"))!.Value);
        fixture.Time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal(0, fixture.Source.WritesOf(cache));
        await fixture.Time.AdvanceUntilAsync(() => fixture.Source.WritesOf(cache) == 2, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), "both keys to be written");
        Assert.Equal("v9"u8.ToArray(), fixture.Source.Memory[(cache, "hot")]);
        Assert.Equal(2, (await Caches.StatsAsync(cache)).Total.WriteBehindWritten);
    }

    /// <summary>Write-behind's queue is bounded: a new key past maxQueue answers 503 with Retry-After; a waiting key may still be rewritten.</summary>
    [Fact]
    public async Task WriteBehind_QueueFull_Answers503WithRetryAfter()
    {
        var cache = await WriteBehindCacheAsync("wbfull", new CacheWriteBehind { DelayMs = 60_000, MaxBatch = 10, MaxQueue = 2 });
        await Caches.SetAsync(cache, "a", [1]);
        await Caches.SetAsync(cache, "b", [1]);
        var response = await fixture.Http.PutAsync($"/v1/caches/{cache}/entries/c", new ByteArrayContent([1]));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        await Caches.SetAsync(cache, "a", [2]);
        Assert.Equal(2, await Caches.FlushAsync(cache));
        await Caches.SetAsync(cache, "c", [1]);
    }

    /// <summary>Write-behind retries a failed source write with backoff until it succeeds.</summary>
    [Fact]
    public async Task WriteBehind_FailedWrite_IsRetriedUntilItLands()
    {
        var cache = await WriteBehindCacheAsync("wbretry", new CacheWriteBehind { DelayMs = 100, MaxBatch = 10, MaxQueue = 10 });
        fixture.Source.FailWrites[cache] = true;
        await Caches.SetAsync(cache, "k", "v"u8.ToArray());
        await fixture.Time.AdvanceUntilAsync(() => fixture.Source.WritesOf(cache) >= 2, TimeSpan.FromMilliseconds(25), TimeSpan.FromSeconds(2), "two failed attempts");
        fixture.Source.FailWrites.TryRemove(cache, out _);
        await fixture.Time.AdvanceUntilAsync(() => fixture.Source.Memory.ContainsKey((cache, "k")), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), "the retry to land");
        Assert.True((await Caches.StatsAsync(cache)).Total.WriteBehindFailures >= 2);
    }

    /// <summary>
    /// Write-behind on a source that keeps failing: the write is retried until maxAgeMs after it was queued, then
    /// dropped: counted in the stats (writeBehindDropped), no longer pending, the cache still answering the value; once
    /// the source answers again a new write lands.
    /// </summary>
    [Fact]
    public async Task WriteBehind_SourceFailingPastMaxAge_DropsTheWriteAndCountsIt()
    {
        var cache = await WriteBehindCacheAsync("wbage", new CacheWriteBehind { DelayMs = 100, MaxBatch = 10, MaxQueue = 10, MaxAgeMs = 2000 });
        fixture.Source.FailWrites[cache] = true;
        await Caches.SetAsync(cache, "k", "v1"u8.ToArray());
        var step = TimeSpan.FromMilliseconds(50);
        var advanced = TimeSpan.Zero;
        CacheShardStats stats;
        while ((stats = (await Caches.StatsAsync(cache)).Total).WriteBehindDropped == 0)
        {
            Assert.True(advanced < TimeSpan.FromSeconds(20), $"not dropped after {advanced.TotalMilliseconds} ms of fake time: {stats}");
            fixture.Time.Advance(step);
            advanced += step;
            await Task.Delay(20); // the flush timer's tick and the failed attempt run on the thread pool
        }

        // Not before maxAgeMs; at the first attempt after it, which the doubling backoff puts before 2 x maxAgeMs
        // (attempts at 100, 200, 400, 800, 1600, 3200 ms), plus slack for attempts that lag the fake clock.
        Assert.Equal(1, stats.WriteBehindDropped);
        Assert.InRange(advanced, TimeSpan.FromMilliseconds(2000), TimeSpan.FromMilliseconds((2 * 2000) + 2000));
        Assert.Equal(0, stats.WriteBehindPending);
        Assert.True(stats.WriteBehindFailures >= 2);
        Assert.Equal("v1"u8.ToArray(), (await Caches.GetAsync(cache, "k"))!.Value);
        Assert.False(fixture.Source.Memory.ContainsKey((cache, "k")));

        fixture.Source.FailWrites.TryRemove(cache, out _);
        await Caches.SetAsync(cache, "k", "v2"u8.ToArray());
        await fixture.Time.AdvanceUntilAsync(() => fixture.Source.Memory.ContainsKey((cache, "k")), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), "the next write to land");
        Assert.Equal("v2"u8.ToArray(), fixture.Source.Memory[(cache, "k")]);
    }

    /// <summary>Refresh-ahead: a read after refreshAhead × TTL is served from the cache and reloads in the background, so the key never misses.</summary>
    [Fact]
    public async Task RefreshAhead_ReadLateInTtl_ReloadsInBackgroundWithoutAMiss()
    {
        var (cache, ns) = await ReadThroughAsync("ra", CacheStrategy.RefreshAhead, ttlMs: 1000, refreshAhead: 0.5);
        await Kv.PutAsync(ns, "hot", "v1"u8.ToArray());
        Assert.Equal("v1"u8.ToArray(), (await Caches.GetAsync(cache, "hot"))!.Value);
        await Kv.PutAsync(ns, "hot", "v2"u8.ToArray());
        fixture.Time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal("v1"u8.ToArray(), (await Caches.GetAsync(cache, "hot"))!.Value);
        Assert.Equal(1, fixture.Source.LoadsOf(cache));                  // before the refresh point: no reload
        fixture.Time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal("v1"u8.ToArray(), (await Caches.GetAsync(cache, "hot"))!.Value);   // served, and a reload starts
        await Eventually.Until(async ct => (await Caches.GetAsync(cache, "hot", ct))!.Value.SequenceEqual("v2"u8.ToArray()), "the background reload");
        for (var i = 0; i < 5; i++)
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(600));
            Assert.NotNull(await Caches.GetAsync(cache, "hot"));
            // Both counts move when the reload starts; wait for it to be installed too (cached now), or the next round's
            // read finds the reload still in flight, starts none, and the entry is fresh afterwards (a full run saw it).
            await Eventually.Until(async ct => (await Caches.StatsAsync(cache, ct)).Total.Refreshes == i + 2 && fixture.Source.LoadsOf(cache) == i + 3
                && (await Caches.GetAsync(cache, "hot", ct))?.CachedAt == fixture.Time.GetUtcNow(), $"refresh {i + 2} installed");
        }

        Assert.Equal(1, (await Caches.StatsAsync(cache)).Total.Misses);
    }
}
