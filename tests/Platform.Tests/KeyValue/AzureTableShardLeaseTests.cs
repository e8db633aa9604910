using Azure.Data.Tables;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary>The shard activation lease on Azure Table storage: ETag-checked, apart from the key rows, dropped with the shard.</summary>
[Collection(RealServersCollection.Name)]
public sealed class AzureTableShardLeaseTests(RealServersFixture fixture)
{
    private readonly AzureTableShardStorage _storage = new(new TableServiceClient(fixture.AzureTables), fixture.RunId + "Leases");

    /// <summary>Create only when absent, replace only with the ETag read; a stale writer conflicts; loading keys never sees the lease.</summary>
    [Fact]
    public async Task Lease_WritesAreETagChecked_AndStayOutOfTheShardsKeys()
    {
        var shard = new ShardId("lease-" + Guid.NewGuid().ToString("N")[..8], 1, 0);
        Assert.Null(await _storage.ReadLeaseAsync(shard));

        var first = await _storage.WriteLeaseAsync(shard, new ShardLease("a", TimeSpan.FromSeconds(2)), null);
        await Assert.ThrowsAsync<ShardStorageConflictException>(() => _storage.WriteLeaseAsync(shard, new ShardLease("b", TimeSpan.FromSeconds(2)), null));
        var read = await _storage.ReadLeaseAsync(shard);
        Assert.Equal(new ShardLease("a", TimeSpan.FromSeconds(2)), read!.Lease);
        Assert.Equal(first, read.ETag);

        var second = await _storage.WriteLeaseAsync(shard, new ShardLease("b", TimeSpan.FromSeconds(3)), first);
        await Assert.ThrowsAsync<ShardStorageConflictException>(() => _storage.WriteLeaseAsync(shard, new ShardLease("a", TimeSpan.FromSeconds(2)), first));
        Assert.Equal(new ShardLease("b", TimeSpan.FromSeconds(3)), (await _storage.ReadLeaseAsync(shard))!.Lease);

        await _storage.WriteAsync(shard, new KeyValueEntry { Key = "k", Value = [1], Version = 1 }, null);
        Assert.Equal(["k"], (await _storage.LoadAsync(shard)).Select(e => e.Entry.Key));

        await _storage.DropAsync(shard);
        Assert.Null(await _storage.ReadLeaseAsync(shard));
        Assert.Empty(await _storage.LoadAsync(shard));
        Assert.NotEqual(first, second);
    }
}
