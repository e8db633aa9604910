using Platform.Sharding;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Sharding;

/// <summary>The typed client's cache of namespace settings, timed by the client's clock (fake here).</summary>
[Collection(MemoryFakeClockClusterCollection.Name)]
public sealed class NamespaceRoutingCacheTests(MemoryFakeClockClusterFixture fixture)
{
    /// <summary>
    /// A namespace re-created behind this client's back (another client, straight to the grain) is routed by its new
    /// generation at once, with the client's clock standing still well inside <c>Platform:KeyValue:RoutingCacheTtl</c>:
    /// the cached settings name the old generation, whose shards refuse the call, and the router refreshes.
    /// </summary>
    [Fact]
    public async Task ShardMap_AfterNamespaceRecreatedElsewhere_ShowsTheNewGenerationWithoutWaitingForTheTtl()
    {
        var admin = fixture.Service<INamespaceAdmin>();
        const string ns = "ttl-routing";
        await admin.CreateAsync(ns, new NamespaceSpec { Shards = 4 });
        var first = await admin.GetShardMapAsync(ns);
        Assert.Equal(4, first.Count);

        var other = fixture.Cluster.Client.GetGrain<INamespaceGrain>(ns);
        Assert.True(await other.Delete());
        var recreated = await other.Create(new NamespaceSpec { Shards = 2 });
        Assert.Equal(2, recreated.Settings.Generation);

        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        var fresh = await admin.GetShardMapAsync(ns);
        Assert.Equal(2, fresh.Count);
        Assert.All(fresh, s => Assert.Equal(new ShardId(ns, 2, s.Shard).ToString(), s.Grain));
    }
}
