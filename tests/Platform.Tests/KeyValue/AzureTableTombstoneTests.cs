using Azure.Data.Tables;
using Platform.Errors;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary>Tombstones on Azure Table shard storage: they outlive every silo, so versions keep counting after a restart.</summary>
[Collection(RealServersCollection.Name)]
public sealed class AzureTableTombstoneTests(RealServersFixture fixture)
{
    /// <summary>
    /// Keys written and deleted through one cluster, re-created through a brand-new cluster on the same tables (every
    /// shard re-activated from storage): each re-created key's version continues above the deleted one, on both kinds
    /// of namespace.
    /// </summary>
    [Fact]
    public async Task Recreate_AfterEverySiloWasReplaced_ContinuesAboveTheDeletedVersion()
    {
        var serviceId = fixture.RunId + "-tombstone";
        const string txn = "tombstones-txn";
        await using (var first = await fixture.StartAzureTableClusterAsync(serviceId))
        {
            await first.Client.GetGrain<INamespaceGrain>(txn).Create(new NamespaceSpec { Shards = 2, Transactional = true });
            foreach (var ns in new[] { "default", txn })
            {
                for (var i = 0; i < 10; i++)
                {
                    await first.Service<IKeyValueStore>().PutAsync(ns, $"t-{i}", [1]);
                    await first.Service<IKeyValueStore>().PutAsync(ns, $"t-{i}", [2]);
                    await first.Service<IKeyValueStore>().DeleteAsync(ns, $"t-{i}");
                }
            }
        }

        await using var second = await fixture.StartAzureTableClusterAsync(serviceId);
        foreach (var ns in new[] { "default", txn })
        {
            for (var i = 0; i < 10; i++)
            {
                Assert.Null(await second.Service<IKeyValueStore>().GetAsync(ns, $"t-{i}"));
                await Assert.ThrowsAsync<PlatformPreconditionFailedException>(() =>
                    second.Service<IKeyValueStore>().PutAsync(ns, $"t-{i}", [9], new KeyValuePutOptions { Condition = new() { IfMatchVersion = 2 } }));
                Assert.Equal(3, await second.Service<IKeyValueStore>().PutAsync(ns, $"t-{i}", [3]));
            }

            var page = await second.Service<IKeyValueStore>().ListAsync(ns, new KeyValueListOptions { Prefix = "t-" });
            Assert.Equal(10, page.Items.Count);
        }
    }

    /// <summary>A tombstone row reads back (one key and a whole shard) with its version and fence record, and no value.</summary>
    [Fact]
    public async Task Tombstone_WriteThenReadAndLoad_KeepsVersionAndFences()
    {
        var storage = new AzureTableShardStorage(new TableServiceClient(fixture.AzureTables), fixture.RunId + "Tombstones");
        var shard = new ShardId("tomb-" + Guid.NewGuid().ToString("N")[..8], 1, 0);
        var etag = await storage.WriteAsync(shard, new KeyValueEntry { Key = "k", Value = new byte[200_000], Version = 4 }, null);
        var fences = new Dictionary<string, long>(StringComparer.Ordinal) { ["orders.42"] = 7 };
        await storage.WriteAsync(shard, new KeyValueEntry { Key = "k", Value = [], Version = 4, Deleted = true, Fences = fences }, etag);

        var read = await storage.ReadAsync(shard, "k");
        Assert.NotNull(read);
        Assert.True(read.Entry.Deleted);
        Assert.Equal(4, read.Entry.Version);
        Assert.Empty(read.Entry.Value);
        Assert.Equal(fences, read.Entry.Fences);
        var loaded = Assert.Single(await storage.LoadAsync(shard));
        Assert.True(loaded.Entry.Deleted);
        Assert.Equal(read.ETag, loaded.ETag);

        // A row written before tombstones existed (no Deleted property) reads as a live entry.
        await storage.WriteAsync(shard, new KeyValueEntry { Key = "old", Value = [1], Version = 1 }, null);
        Assert.False((await storage.ReadAsync(shard, "old"))!.Entry.Deleted);
    }
}
