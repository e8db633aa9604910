using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Transactions;

/// <summary>
/// The transactional shard state limit end to end, on a two-silo cluster with Azure Table transactional storage
/// (Azurite): up to the limit writes work; one over it fails once, with the reason, leaving the shard as it was and
/// serving the next transaction.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class AzureTableTransactionLimitTests(RealServersFixture fixture)
{
    [Fact]
    public async Task Put_OverTheShardStateLimit_FailsWithTheReasonAndLeavesTheShardServing()
    {
        await using var cluster = await fixture.StartAzureTableClusterAsync(fixture.RunId + "-limit");
        const string ns = "limit";
        await cluster.Client.GetGrain<INamespaceGrain>(ns).Create(new NamespaceSpec { Shards = 1, Transactional = true });
        var store = cluster.Service<IKeyValueStore>();
        var big = new byte[900 * 1024];
        Array.Fill(big, (byte)'b');
        Assert.Equal(1, await store.PutAsync(ns, "big", big));
        Assert.Equal(2, await store.PutAsync(ns, "big", big));

        var refused = await Assert.ThrowsAsync<PlatformTransactionFailedException>(() => store.PutAsync(ns, "more", new byte[100 * 1024]));
        Assert.Equal("opFailed", refused.Reason);
        Assert.Contains("retrying does not help", refused.Message, StringComparison.Ordinal);

        Assert.Null(await store.GetAsync(ns, "more"));
        Assert.Equal(2, (await store.GetAsync(ns, "big"))!.Version);
        Assert.Equal(1, await store.PutAsync(ns, "small", [1, 2, 3]));
    }
}
