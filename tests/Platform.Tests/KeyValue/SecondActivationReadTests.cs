using System.Diagnostics;
using Platform.KeyValue;
using Xunit.Abstractions;

namespace Platform.Tests.KeyValue;

/// <summary>
/// Reads stay linearizable with two activations of one shard (one per independent cluster on one store): an
/// activation serves from memory only while it holds the shard's activation lease, so one that another activation
/// overtook never answers an older value than an acknowledged write.
/// </summary>
public sealed class SecondActivationReadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> ShortLease = new() { ["Platform:KeyValue:ShardLeaseTime"] = "00:00:01" };

    private readonly SharedStorageClusters _clusters = new();

    public async Task InitializeAsync()
    {
        await _clusters.StartAsync(ShortLease);
        await _clusters.StartAsync(ShortLease);
    }

    public async Task DisposeAsync() => await _clusters.DisposeAsync();

    /// <summary>
    /// Activation A (cluster 1) writes and reads a key; activation B (cluster 2) then writes it and creates another.
    /// A's next get, batch get and listing answer B's writes, not its memory; and back again the other way.
    /// </summary>
    [Fact]
    public async Task Reads_FromAnActivationThatAnotherOvertook_AnswerTheNewerWrites()
    {
        var shardId = await _clusters.CreateNamespaceAsync($"second-{Guid.NewGuid():N}"[..16]);
        var a = SharedStorageClusters.Shard(_clusters.Clusters[0], shardId);
        var b = SharedStorageClusters.Shard(_clusters.Clusters[1], shardId);

        Assert.Equal(1, (await a.Write(Put("k", 1))).Version);
        Assert.Equal([1], (await a.Get("k"))!.Value);

        var clock = Stopwatch.StartNew();
        var overwrite = await b.Write(Put("k", 2) with { Condition = new KeyValueCondition { IfMatchVersion = 1 } });
        Assert.Equal(KeyValueWriteStatus.Ok, overwrite.Status);
        Assert.Equal(KeyValueWriteStatus.Ok, (await b.Write(Put("created-by-b", 7))).Status);
        output.WriteLine($"B's first write (taking the shard over): {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        Assert.Equal([2], (await a.Get("k"))!.Value);
        output.WriteLine($"A's first read after B wrote (taking the shard back): {clock.ElapsedMilliseconds} ms");
        Assert.Equal([7], (await a.Get("created-by-b"))!.Value);
        Assert.Equal([2L, 1L], (await a.GetMany(["k", "created-by-b"])).Select(e => e.Version));
        Assert.Equal(["created-by-b", "k"], (await a.ListKeys("", null, 10)).Select(k => k.Key));
        Assert.Equal(2, (await a.Stats()).Keys);

        // And back: A deletes, B must not still see the key.
        Assert.Equal(KeyValueWriteStatus.Ok, (await a.Write(new KeyValueWriteRequest { Key = "k" })).Status);
        Assert.Null(await b.Get("k"));
        Assert.Equal(["created-by-b"], (await b.ListKeys("", null, 10)).Select(k => k.Key));
    }

    /// <summary>An activation releases the lease when it deactivates, so the next one takes the shard over without waiting.</summary>
    [Fact]
    public async Task Deactivation_ReleasesTheActivationLease()
    {
        var shardId = await _clusters.CreateNamespaceAsync($"release-{Guid.NewGuid():N}"[..16]);
        var a = SharedStorageClusters.Shard(_clusters.Clusters[0], shardId);
        Assert.Equal(KeyValueWriteStatus.Ok, (await a.Write(Put("k", 1))).Status);
        var held = await _clusters.Storage.ReadLeaseAsync(shardId);
        Assert.True(held!.Lease.Duration > TimeSpan.Zero);

        await _clusters.Clusters[0].Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        var released = await _clusters.Storage.ReadLeaseAsync(shardId);
        while (released!.Lease.Duration != TimeSpan.Zero && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            released = await _clusters.Storage.ReadLeaseAsync(shardId);
        }

        Assert.Equal(TimeSpan.Zero, released.Lease.Duration);
        Assert.Equal(held.Lease.Holder, released.Lease.Holder);
        Assert.Equal([1], (await SharedStorageClusters.Shard(_clusters.Clusters[1], shardId).Get("k"))!.Value);
    }

    private static KeyValueWriteRequest Put(string key, byte value) => new() { Key = key, Value = [value] };
}
