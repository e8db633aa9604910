using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Platform.Caches;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Caches;

/// <summary>The caches' HTTP API: raw entries with headers, TTL on the fake clock, invalidation, bad input.</summary>
[Collection(CachesCollection.Name)]
public sealed class CacheApiTests(CachesFixture fixture)
{
    private static readonly string[] Red = ["red"];
    private static readonly string[] K1 = ["k-1"];
    private static readonly string[] Survivors = ["a", "c", "d"];
    private static int _next;

    private static string Name(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}-{Guid.NewGuid():N}";

    private PlatformApiClient Api => fixture.Api;

    private Task<ApiResponse> PutCache(string name, object body) => Api.SendJsonAsync(HttpMethod.Put, $"/v1/caches/{name}", body);

    private async Task<HttpResponseMessage> PutEntry(string cache, string key, string value, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/caches/{cache}/entries/{Uri.EscapeDataString(key)}")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(value)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain; charset=utf-8");
        foreach (var (name, v) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, v);
        }

        return await fixture.Http.SendAsync(request);
    }

    private Task<HttpResponseMessage> GetEntry(string cache, string key) => fixture.Http.GetAsync($"/v1/caches/{cache}/entries/{Uri.EscapeDataString(key)}");

    /// <summary>An entry comes back with its bytes, Content-Type, ETag, remaining TTL and tags; a matching If-None-Match is a 304.</summary>
    [Fact]
    public async Task Entry_RoundTrip_KeepsContentTypeEtagTtlAndTags()
    {
        var cache = Name("rt");
        (await PutCache(cache, new { shards = 2, capacity = new { entries = 100 }, defaultTtlMs = 60_000 })).Expect(HttpStatusCode.Created);
        using var put = await PutEntry(cache, "k/1", "hello", ("Platform-Ttl-Ms", "5000"), ("Platform-Tags", "red, blue"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var get = await GetEntry(cache, "k/1");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("hello", await get.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", get.Content.Headers.ContentType!.ToString());
        Assert.Equal(put.Headers.ETag, get.Headers.ETag);
        Assert.Equal("5000", get.Headers.GetValues("Platform-Ttl-Ms").Single());
        Assert.Equal("red,blue", get.Headers.GetValues("Platform-Tags").Single());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/v1/caches/{cache}/entries/k%2F1");
        conditional.Headers.IfNoneMatch.Add(get.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await fixture.Http.SendAsync(conditional)).StatusCode);

        using var second = await PutEntry(cache, "k/1", "again");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(put.Headers.ETag, second.Headers.ETag);
        using var stale = await PutEntry(cache, "k/1", "x", ("If-Match", put.Headers.ETag!.Tag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    /// <summary>TTL on the fake clock: served until its TTL, gone right after; the cache's default applies when the set names none.</summary>
    [Fact]
    public async Task Ttl_OnFakeClock_ExpiresAtItsTtl()
    {
        var cache = Name("ttl");
        (await PutCache(cache, new { shards = 1, capacity = new { entries = 10 }, defaultTtlMs = 2000 })).Expect(HttpStatusCode.Created);
        (await PutEntry(cache, "short", "s", ("Platform-Ttl-Ms", "500"))).EnsureSuccessStatusCode();
        (await PutEntry(cache, "default", "d")).EnsureSuccessStatusCode();
        fixture.Time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(HttpStatusCode.OK, (await GetEntry(cache, "short")).StatusCode);
        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.NotFound, (await GetEntry(cache, "short")).StatusCode);
        fixture.Time.Advance(TimeSpan.FromMilliseconds(1499));
        Assert.Equal(HttpStatusCode.OK, (await GetEntry(cache, "default")).StatusCode);
        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.NotFound, (await GetEntry(cache, "default")).StatusCode);
        var stats = await fixture.Caches.StatsAsync(cache);
        Assert.Equal(2, stats.Total.Expirations);
    }

    /// <summary>With jitter, every TTL falls between (1 - jitter) × TTL and TTL, and they are not all equal.</summary>
    [Fact]
    public async Task TtlJitter_SpreadsExpiriesWithinTheBound()
    {
        var cache = Name("jit");
        (await PutCache(cache, new { shards = 1, capacity = new { entries = 100 }, defaultTtlMs = 10_000, ttlJitter = 0.5 })).Expect(HttpStatusCode.Created);
        var keys = Enumerable.Range(0, 40).Select(i => $"j{i}").ToList();
        foreach (var key in keys)
        {
            await fixture.Caches.SetAsync(cache, key, [1]);
        }

        var now = fixture.Time.GetUtcNow();
        var ttls = new List<double>();
        foreach (var key in keys)
        {
            ttls.Add(((await fixture.Caches.GetAsync(cache, key))!.ExpiresAt!.Value - now).TotalMilliseconds);
        }

        Assert.All(ttls, t => Assert.InRange(t, 5_000, 10_000));
        Assert.True(ttls.Distinct().Count() > 1, "every TTL was the same");
    }

    /// <summary>A cache with <c>shards: 1</c> evicts in exact LRU order as a whole; the counts are in the stats.</summary>
    [Fact]
    public async Task Lru_OneShard_EvictsExactlyAndCountsEvictions()
    {
        var cache = Name("lru");
        (await PutCache(cache, new { shards = 1, capacity = new { entries = 3 }, eviction = "lru" })).Expect(HttpStatusCode.Created);
        foreach (var key in new[] { "a", "b", "c" })
        {
            (await PutEntry(cache, key, key)).EnsureSuccessStatusCode();
        }

        (await GetEntry(cache, "a")).EnsureSuccessStatusCode();
        (await PutEntry(cache, "d", "d")).EnsureSuccessStatusCode();
        var found = new Dictionary<string, HttpStatusCode>();
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            found[key] = (await GetEntry(cache, key)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.NotFound, found["b"]);
        Assert.All(Survivors, k => Assert.Equal(HttpStatusCode.OK, found[k]));
        Assert.Equal(1, (await fixture.Caches.StatsAsync(cache)).Total.Evictions);
    }

    /// <summary>Capacity is split over the shards and the totals add up to the cache's capacity.</summary>
    [Fact]
    public async Task Capacity_IsSplitOverShards()
    {
        var cache = Name("split");
        (await PutCache(cache, new { shards = 4, capacity = new { entries = 10 } })).Expect(HttpStatusCode.Created);
        var stats = await fixture.Caches.StatsAsync(cache);
        Assert.Equal([3, 3, 2, 2], stats.Shards.Select(s => s.CapacityEntries));
        for (var i = 0; i < 200; i++)
        {
            await fixture.Caches.SetAsync(cache, $"k{i}", [1]);
        }

        stats = await fixture.Caches.StatsAsync(cache);
        Assert.Equal(10, stats.Total.Entries);
        Assert.All(stats.Shards, s => Assert.Equal(s.CapacityEntries, s.Entries));
    }

    /// <summary>Invalidation by keys, tags and prefix drops exactly what matches and answers how many.</summary>
    [Fact]
    public async Task Invalidate_ByKeysTagsAndPrefix_DropsExactlyTheMatches()
    {
        var cache = Name("inv");
        (await PutCache(cache, new { shards = 4, capacity = new { entries = 100 } })).Expect(HttpStatusCode.Created);
        (await PutEntry(cache, "t-1", "1", ("Platform-Tags", "red"))).EnsureSuccessStatusCode();
        (await PutEntry(cache, "t-2", "2", ("Platform-Tags", "red,blue"))).EnsureSuccessStatusCode();
        (await PutEntry(cache, "t-3", "3", ("Platform-Tags", "blue"))).EnsureSuccessStatusCode();
        (await PutEntry(cache, "p-1", "p")).EnsureSuccessStatusCode();
        (await PutEntry(cache, "p-2", "p")).EnsureSuccessStatusCode();
        (await PutEntry(cache, "k-1", "k")).EnsureSuccessStatusCode();
        var byTag = (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/caches/{cache}/invalidate", new { tags = Red })).ExpectSuccess();
        Assert.Equal(2, byTag.Json().GetProperty("count").GetInt32());
        (await Api.SendJsonAsync(HttpMethod.Post, $"/v1/caches/{cache}/invalidate", new { prefix = "p-", keys = K1 })).ExpectSuccess();
        var left = new List<string>();
        foreach (var key in new[] { "t-1", "t-2", "t-3", "p-1", "p-2", "k-1" })
        {
            if ((await GetEntry(cache, key)).StatusCode == HttpStatusCode.OK)
            {
                left.Add(key);
            }
        }

        Assert.Equal(["t-3"], left);
    }

    /// <summary>Bad cache specs answer 400 naming the field, and the cache that exists is left as it was.</summary>
    [Theory]
    [InlineData("{\"capacity\":{\"entries\":0}}", "capacity.entries")]
    [InlineData("{\"capacity\":{\"entries\":100},\"eviction\":\"random\"}", "eviction")]
    [InlineData("{\"capacity\":{\"entries\":100},\"strategy\":\"write-around\"}", "strategy")]
    [InlineData("{\"capacity\":{\"entries\":100},\"defaultTtlMs\":-5}", "defaultTtlMs")]
    [InlineData("{\"capacity\":{\"entries\":100},\"defaultTtlMs\":9999999999999}", "defaultTtlMs")]
    [InlineData("{\"capacity\":{\"entries\":100},\"ttlJitter\":0.9}", "ttlJitter")]
    [InlineData("{\"capacity\":{\"entries\":100},\"strategy\":\"read-through\",\"source\":{\"namespace\":\"no-such-namespace-here\"}}", "source.namespace")]
    [InlineData("{\"capacity\":{\"entries\":100},\"strategy\":\"read-through\"}", "source")]
    [InlineData("{\"capacity\":{\"entries\":100},\"strategy\":\"read-through\",\"source\":{\"http\":\"ftp://x/{key}\"}}", "source.http")]
    [InlineData("{\"capacity\":{\"entries\":100},\"strategy\":\"write-behind\",\"source\":{\"http\":\"http://memory.test/{key}\"},\"writeBehind\":{\"delayMs\":0}}", "writeBehind.delayMs")]
    [InlineData("{\"capacity\":{\"entries\":100},\"strategy\":\"write-behind\",\"source\":{\"http\":\"http://memory.test/{key}\"},\"writeBehind\":{\"delayMs\":500,\"maxAgeMs\":499}}", "writeBehind.maxAgeMs")]
    [InlineData("{\"capacity\":{\"entries\":100},\"nearCache\":{\"enabled\":true,\"capacity\":0}}", "nearCache.capacity")]
    [InlineData("{\"capacity\":{\"entries\":100},\"shards\":0}", "shards")]
    [InlineData("{\"capacity\":{\"entries\":100},\"colour\":\"red\"}", "colour")]
    public async Task Put_BadSpec_Returns400NamingTheFieldAndChangesNothing(string body, string field)
    {
        var cache = Name("bad");
        (await PutCache(cache, new { shards = 1, capacity = new { entries = 5 } })).Expect(HttpStatusCode.Created);
        await fixture.Caches.SetAsync(cache, "kept", [7]);
        var response = await Api.SendAsync(HttpMethod.Put, $"/v1/caches/{cache}", () => new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.Field);
        var settings = await fixture.Caches.GetSettingsAsync(cache);
        Assert.Equal(5, settings.Spec.Capacity.Entries);
        Assert.Equal([7], (await fixture.Caches.GetAsync(cache, "kept"))!.Value);
    }

    /// <summary>Bad entry input (too many tags, a bad tag, a bad TTL header) answers 400 naming it, and the entry is unchanged.</summary>
    [Theory]
    [InlineData("Platform-Tags", "a,b,c,d,e", "Platform-Tags")]
    [InlineData("Platform-Tags", "bad tag", "Platform-Tags")]
    [InlineData("Platform-Ttl-Ms", "-1", "Platform-Ttl-Ms")]
    [InlineData("Platform-Ttl-Ms", "99999999999999", "Platform-Ttl-Ms")]
    [InlineData("Platform-Source-Version", "x", "Platform-Source-Version")]
    public async Task PutEntry_BadInput_Returns400NamingItAndKeepsTheEntry(string header, string value, string field)
    {
        var cache = Name("badentry");
        (await PutCache(cache, new { shards = 1, capacity = new { entries = 5 } })).Expect(HttpStatusCode.Created);
        (await PutEntry(cache, "k", "old")).EnsureSuccessStatusCode();
        using var response = await PutEntry(cache, "k", "new", (header, value));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"field\":\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("old", await (await GetEntry(cache, "k")).Content.ReadAsStringAsync());
    }

    /// <summary>Caches are listed in name order; a deleted cache answers 404 and its entries are gone with it.</summary>
    [Fact]
    public async Task ListAndDelete_ShowAndRemoveCaches()
    {
        var cache = Name("del");
        (await PutCache(cache, new { shards = 1, capacity = new { entries = 5 } })).Expect(HttpStatusCode.Created);
        (await PutCache(cache, new { shards = 1, capacity = new { entries = 5 } })).Expect(HttpStatusCode.OK);
        (await PutEntry(cache, "k", "v")).EnsureSuccessStatusCode();
        var list = (await Api.SendAsync(HttpMethod.Get, "/v1/caches?limit=1000")).ExpectSuccess();
        Assert.Contains(list.Json().GetProperty("items").EnumerateArray(), i => i.GetProperty("name").GetString() == cache);
        (await Api.SendAsync(HttpMethod.Delete, $"/v1/caches/{cache}")).Expect(HttpStatusCode.NoContent);
        ProblemAssert.IsProblem(await Api.SendAsync(HttpMethod.Get, $"/v1/caches/{cache}"), HttpStatusCode.NotFound);
        (await PutCache(cache, new { shards = 1, capacity = new { entries = 5 } })).Expect(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NotFound, (await GetEntry(cache, "k")).StatusCode);
    }

    /// <summary>Changing a cache's spec gives it a new generation; every client finds the old one gone and uses the new.</summary>
    [Fact]
    public async Task Put_ChangedSpec_StartsANewGenerationSeenByEveryClient()
    {
        var cache = Name("gen");
        (await PutCache(cache, new { shards = 2, capacity = new { entries = 5 } })).Expect(HttpStatusCode.Created);
        await fixture.Caches.SetAsync(cache, "k", [1]);
        Assert.NotNull(await fixture.HostCaches.GetAsync(cache, "k"));
        var changed = await fixture.Caches.PutAsync(cache, new CacheSpec { Shards = 3, Capacity = new CacheCapacity { Entries = 9 } });
        Assert.True(changed.Changed);
        Assert.Null(await fixture.HostCaches.GetAsync(cache, "k"));        // the host's settings were stale: the old shard said so
        await fixture.HostCaches.SetAsync(cache, "k", [2]);
        Assert.Equal([2], (await fixture.Caches.GetAsync(cache, "k"))!.Value);
    }
}
