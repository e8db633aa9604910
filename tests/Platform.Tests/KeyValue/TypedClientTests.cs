using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary>The typed .NET client, as an ASP.NET frontend resolves it from DI, against the test cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TypedClientTests(ClusterFixture fixture)
{
    private IKeyValueStore Store => fixture.ClientServices.GetRequiredService<IKeyValueStore>();

    private INamespaceAdmin Admin => fixture.ClientServices.GetRequiredService<INamespaceAdmin>();

    [Fact]
    public async Task KeyValueStore_PutGetListDelete_RoundTrips()
    {
        await Admin.CreateAsync("typed", new NamespaceSpec { Shards = 8 });
        var v1 = await Store.PutAsync("typed", "a/1", Encoding.UTF8.GetBytes("one"), new KeyValuePutOptions { ContentType = "text/plain" });
        var v2 = await Store.PutAsync("typed", "a/1", Encoding.UTF8.GetBytes("uno"), new KeyValuePutOptions { Condition = new KeyValueCondition { IfMatchVersion = v1 } });
        await Store.PutAsync("typed", "a/2", Encoding.UTF8.GetBytes("two"));

        var entry = await Store.GetAsync("typed", "a/1");
        Assert.NotNull(entry);
        Assert.Equal((1, 2), (v1, v2));
        Assert.Equal("uno", Encoding.UTF8.GetString(entry.Value));
        Assert.Null(entry.ContentType);

        var page = await Store.ListAsync("typed", new KeyValueListOptions { Prefix = "a/" });
        Assert.Equal(["a/1", "a/2"], page.Items.Select(i => i.Key));
        Assert.Null(page.ContinuationToken);

        await Store.DeleteAsync("typed", "a/1");
        Assert.Null(await Store.GetAsync("typed", "a/1"));
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => Store.DeleteAsync("typed", "a/1"));
    }

    [Fact]
    public async Task KeyValueStore_StaleVersion_ThrowsPreconditionFailedWithCurrentVersion()
    {
        await Store.PutAsync("default", "typed-cas", [1]);
        await Store.PutAsync("default", "typed-cas", [2]);
        var error = await Assert.ThrowsAsync<PlatformPreconditionFailedException>(() =>
            Store.PutAsync("default", "typed-cas", [3], new KeyValuePutOptions { Condition = new KeyValueCondition { IfMatchVersion = 1 } }));
        Assert.Equal(2, error.CurrentVersion);
    }

    [Fact]
    public async Task KeyValueStore_InvalidKey_ThrowsValidationNamingTheKey()
    {
        var error = await Assert.ThrowsAsync<PlatformValidationException>(() => Store.GetAsync("default", "bad\u0000key"));
        Assert.Equal("key", error.Field);
    }

    [Fact]
    public async Task NamespaceAdmin_ShardMapAndLocate_Agree()
    {
        await Admin.CreateAsync("typed-map", new NamespaceSpec { Shards = 4 });
        await Store.PutAsync("typed-map", "where", [0]);
        var location = await Admin.LocateAsync("typed-map", "where");
        var map = await Admin.GetShardMapAsync("typed-map", includeRanges: true);
        Assert.Equal(4, map.Count);
        Assert.Equal(1, map[location.Shard].Keys);
        Assert.Equal(location.Silo, map[location.Shard].Silo);
        Assert.Equal(HashRing.VirtualNodesPerShard, map[location.Shard].Ranges!.Count);
        Assert.Equal(1.0, map.Sum(s => s.Ownership), 6);
    }
}
