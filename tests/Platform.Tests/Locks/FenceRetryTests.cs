using Platform.KeyValue;
using Platform.Locks;
using Platform.Tests.KeyValue;

namespace Platform.Tests.Locks;

/// <summary>A fenced write that loses an ETag race and is decided again asks the lock again.</summary>
public sealed class FenceRetryTests : IAsyncLifetime
{
    private readonly SharedStorageClusters _clusters = new();

    public async Task InitializeAsync() => await _clusters.StartAsync();

    public async Task DisposeAsync() => await _clusters.DisposeAsync();

    /// <summary>
    /// Holder 1 writes the key fenced; its next fenced write passes the lock's check, then, before it reaches storage,
    /// another activation of the shard writes the key (unfenced) and the lock grants token 2. The write loses the ETag
    /// race; deciding again, the shard must see that token 1 is no longer current and refuse it.
    /// </summary>
    [Fact]
    public async Task FencedWrite_RetriedAfterAConflict_IsRefusedWhenTheLockGrantedSinceTheFirstCheck()
    {
        var cluster = _clusters.Clusters[0];
        var shardId = await _clusters.CreateNamespaceAsync($"retry-{Guid.NewGuid():N}"[..16]);
        var shard = SharedStorageClusters.Shard(cluster, shardId);
        var name = $"retry.{Guid.NewGuid():N}"[..20];
        var lease = cluster.Client.Grain(LeaseKind.Lock, name);
        var first = (await lease.Acquire(new LeaseRequest { Owner = "holder-1" })).Lease!.Token;
        var fence = new KeyValueFence(name, first);
        Assert.Equal(KeyValueWriteStatus.Ok, (await shard.Write(new KeyValueWriteRequest { Key = "k", Value = [1], Fence = fence })).Status);

        long second = 0;
        _clusters.Storage.BeforeNextWrite(async (id, _) =>
        {
            var stored = (await _clusters.Storage.Inner.ReadAsync(id, "k"))!;
            await _clusters.Storage.Inner.WriteAsync(id, stored.Entry with { Value = [2], Version = stored.Entry.Version + 1 }, stored.ETag);
            await lease.Release("holder-1", first);
            second = (await lease.Acquire(new LeaseRequest { Owner = "holder-2" })).Lease!.Token;
        });

        var stale = await shard.Write(new KeyValueWriteRequest { Key = "k", Value = [3], Fence = fence });

        Assert.True(second > first, "the hook ran and the lock granted a later token");
        Assert.Equal(KeyValueWriteStatus.FenceRejected, stale.Status);
        Assert.Contains($"granted token {second}", stale.Detail, StringComparison.Ordinal);
        Assert.Equal([2], (await shard.Get("k"))!.Value);
    }
}
