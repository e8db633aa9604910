using System.Text;
using Platform.Caches;
using Platform.Errors;
using Platform.Testing.Waiting;

namespace Platform.Tests.Caches;

/// <summary>
/// The <c>{"http": "http://.../items/{key}"}</c> source against a real Kestrel server (<see cref="HttpSourceStub"/>),
/// through the production source client (named HttpClient with the standard resilience handler).
/// </summary>
[Collection(CachesCollection.Name)]
public sealed class HttpSourceTests(CachesFixture fixture)
{
    private ICaches Caches => fixture.Caches;

    private async Task<string> CacheAsync(HttpSourceStub stub, CacheStrategy strategy)
    {
        var cache = $"http-{Guid.NewGuid():N}";
        await Caches.PutAsync(cache, new CacheSpec
        {
            Shards = 2,
            Capacity = new CacheCapacity { Entries = 1000 },
            Strategy = strategy,
            Source = new CacheSource { Http = stub.Template },
        });
        return cache;
    }

    /// <summary>
    /// Read-through over HTTP: 100 concurrent reads of one missing key make one GET at the server, every reader gets
    /// its body and Content-Type; the key is URL-escaped into the template; a 404 is a miss, not an error.
    /// </summary>
    [Fact]
    public async Task ReadThrough_100ConcurrentMisses_MakeOneHttpGet_AndA404IsAMiss()
    {
        await using var stub = await HttpSourceStub.StartAsync();
        var cache = await CacheAsync(stub, CacheStrategy.ReadThrough);
        stub.Items["a/b c"] = ("{\"name\":\"alice\"}"u8.ToArray(), "application/json");
        stub.HoldReads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readers = Enumerable.Range(0, 100).Select(_ => Caches.GetAsync(cache, "a/b c")).ToList();
        await Eventually.Until(async ct => (await Caches.StatsAsync(cache, ct)).Total.Misses == 100, "all 100 readers to miss and wait");
        stub.HoldReads.SetResult();
        var entries = await Task.WhenAll(readers);
        Assert.All(entries, e => Assert.Equal("{\"name\":\"alice\"}", Encoding.UTF8.GetString(e!.Value)));
        Assert.All(entries, e => Assert.Equal("application/json", e!.ContentType));
        Assert.Equal(1, stub.CountOf("GET", "a/b c"));

        Assert.Null(await Caches.GetAsync(cache, "absent"));
        Assert.Equal(1, stub.CountOf("GET", "absent"));
    }

    /// <summary>Write-through over HTTP: a set PUTs body and Content-Type to the server before the cache has it; a removal DELETEs it there.</summary>
    [Fact]
    public async Task WriteThrough_PutsToTheServerFirst_AndRemoveDeletesThere()
    {
        await using var stub = await HttpSourceStub.StartAsync();
        var cache = await CacheAsync(stub, CacheStrategy.WriteThrough);
        await Caches.SetAsync(cache, "k-1", "v1"u8.ToArray(), new CacheSetOptions { ContentType = "text/plain" });
        Assert.Equal("v1"u8.ToArray(), stub.Items["k-1"].Value);
        Assert.Equal("text/plain", stub.Items["k-1"].ContentType);
        Assert.Equal("v1"u8.ToArray(), (await Caches.GetAsync(cache, "k-1"))!.Value);

        Assert.True(await Caches.RemoveAsync(cache, "k-1"));
        Assert.False(stub.Items.ContainsKey("k-1"));
        Assert.Equal(1, stub.CountOf("DELETE", "k-1"));
    }

    /// <summary>
    /// Write-through over HTTP to a server answering 500: the resilience handler retries (more than one PUT arrives),
    /// then the set fails as unavailable and the cache keeps the old value.
    /// </summary>
    [Fact]
    public async Task WriteThrough_ServerFails_RetriesThenLeavesTheCacheUnchanged()
    {
        await using var stub = await HttpSourceStub.StartAsync();
        var cache = await CacheAsync(stub, CacheStrategy.WriteThrough);
        await Caches.SetAsync(cache, "k", "old"u8.ToArray());
        stub.FailWrites = true;
        var set = Caches.SetAsync(cache, "k", "new"u8.ToArray());

        // The retries back off on the silo's (fake) clock: move it on until the set gives up.
        await fixture.Time.AdvanceUntilAsync(() => set.IsCompleted, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(2), "the set to give up");
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => set);
        Assert.True(stub.CountOf("PUT", "k") > 2, $"PUTs seen: {stub.CountOf("PUT", "k")}");
        Assert.Equal("old"u8.ToArray(), (await Caches.GetAsync(cache, "k"))!.Value);
        Assert.Equal("old"u8.ToArray(), stub.Items["k"].Value);
    }
}
