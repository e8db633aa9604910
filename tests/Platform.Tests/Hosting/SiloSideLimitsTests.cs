using System.Net;
using Orleans.Transactions;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Locks;
using Platform.Sharding;
using Platform.Transactions;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Hosting;

/// <summary>
/// README: "every limit is enforced on the client and on the silo". These tests bypass the client's checks by calling
/// the grains directly (as a client of another version or a bug would) and assert the silo refuses the request with
/// the error kind the API maps to the documented status, naming the field, and that nothing was stored.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SiloSideLimitsTests(ClusterFixture fixture)
{
    /// <summary>The fixture's <c>Platform:KeyValue:MaxValueBytes</c> (PlatformClusterFixture.CommonSettings).</summary>
    private const int MaxValueBytes = 65536;

    private IGrainFactory Grains => fixture.Cluster.Client;

    /// <summary>A shard grain refuses a key over MaxKeyBytes (400 key), a value over MaxValueBytes (413) and a malformed fence name (400 fence); none is stored.</summary>
    [Fact]
    public async Task KeyValueShard_CalledDirectlyOverTheLimits_RefusesAndStoresNothing()
    {
        var ns = $"silo-limits-{Guid.NewGuid():N}"[..24];
        (await fixture.Api.CreateNamespaceAsync(ns, shards: 1)).ExpectSuccess();
        var shard = Grains.GetGrain<IKeyValueShardGrain>((await fixture.Api.LocateAsync(ns, "k")).Ok().Grain);
        var longKey = new string('k', 513);
        var tooLong = await Assert.ThrowsAsync<PlatformValidationException>(() => shard.Write(new KeyValueWriteRequest { Key = longKey, Value = [1] }));
        Assert.Equal("key", tooLong.Field);

        var maxValue = MaxValueBytes;
        await Assert.ThrowsAsync<PlatformPayloadTooLargeException>(() => shard.Write(new KeyValueWriteRequest { Key = "big", Value = new byte[maxValue + 1] }));
        var badFence = await Assert.ThrowsAsync<PlatformValidationException>(() => shard.Write(new KeyValueWriteRequest { Key = "fenced", Value = [1], Fence = new KeyValueFence("bad name/with space", 1) }));
        Assert.Equal("fence", badFence.Field);

        Assert.Null(await shard.Get("big"));
        Assert.Null(await shard.Get("fenced"));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Api.GetKeyAsync(ns, "big")).StatusCode);
    }

    /// <summary>A lock grain refuses a lease over MaxLeaseMs, a wait over MaxWaitMs and an owner over MaxOwnerLength, each naming its field; nobody holds the lock.</summary>
    [Fact]
    public async Task LockGrain_CalledDirectlyOverTheLimits_RefusesAndGrantsNothing()
    {
        var name = $"silo-limits-{Guid.NewGuid():N}"[..24];
        var grain = Grains.Grain(LeaseKind.Lock, name);
        var lease = await Assert.ThrowsAsync<PlatformValidationException>(() => grain.Acquire(new LeaseRequest { Owner = "o", LeaseMs = 300_001 }));
        Assert.Equal("leaseMs", lease.Field);
        var wait = await Assert.ThrowsAsync<PlatformValidationException>(() => grain.Acquire(new LeaseRequest { Owner = "o", LeaseMs = 1_000, WaitMs = 1_000_000 }));
        Assert.Equal("waitMs", wait.Field);
        var owner = await Assert.ThrowsAsync<PlatformValidationException>(() => grain.Acquire(new LeaseRequest { Owner = new string('o', 257), LeaseMs = 1_000 }));
        Assert.NotNull(owner.Field);

        Assert.Empty((await grain.Get()).Holders);
        Assert.Equal(0, (await grain.Get()).LastToken);
    }

    /// <summary>The transaction coordinator refuses more than MaxOps entries in a list (400 naming the list) and a transactional shard a value over MaxValueBytes (413); nothing is applied.</summary>
    [Fact]
    public async Task TransactionCoordinator_CalledDirectlyOverTheLimits_RefusesAndAppliesNothing()
    {
        var ns = $"silo-limits-{Guid.NewGuid():N}"[..24];
        (await fixture.Api.CreateNamespaceAsync(ns, shards: 1, transactional: true)).ExpectSuccess();
        var settings = await Grains.GetGrain<INamespaceGrain>(ns).Get() ?? throw new InvalidOperationException("no namespace settings");
        var coordinator = Grains.GetGrain<ITransactionCoordinatorGrain>(0);
        // The coordinator is the transaction's root: Orleans wraps what it throws in the abort.
        var aborted = await Assert.ThrowsAsync<OrleansTransactionAbortedException>(() => coordinator.Execute(new TransactionSpec
        {
            Namespace = settings,
            Success = [.. Enumerable.Range(0, 129).Select(i => TransactionOp.Put($"k{i}", "v"))],
        }));
        var tooMany = Assert.IsType<PlatformValidationException>(aborted.InnerException);
        Assert.Equal("success", tooMany.Field);

        var maxValue = MaxValueBytes;
        var tooBig = await Record.ExceptionAsync(() => coordinator.Execute(new TransactionSpec
        {
            Namespace = settings,
            Success = [TransactionOp.Put("small", "v"), TransactionOp.Put("big", new byte[maxValue + 1])],
        }));
        Assert.True(tooBig is OrleansTransactionAbortedException && Chain(tooBig).Any(e => e is PlatformPayloadTooLargeException), $"an oversized value got {tooBig}");

        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Api.GetKeyAsync(ns, "k0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Api.GetKeyAsync(ns, "small")).StatusCode);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
