using Platform.Sharding;
using Platform.Tests.Infrastructure;
using Platform.Transactions;
using Xunit.Abstractions;

namespace Platform.Tests.Transactions;

/// <summary>Transactions on a two-silo cluster whose transactional state lives in Azure Table storage (Azurite).</summary>
[Collection(RealServersCollection.Name)]
public sealed class AzureTableTransactionTests(RealServersFixture fixture, ITestOutputHelper output)
{
    /// <summary>
    /// The bank workload on Azure Table transactional storage while one silo is killed mid-run (transactions in flight
    /// between prepare and commit on it): every read totals 1000 with no negative balance, the balances match the
    /// acknowledged transfers, and a brand-new cluster on the same storage reads the same balances (durability).
    /// </summary>
    [Fact]
    public async Task Bank_WhenASiloIsKilledMidRun_LosesNoTransferAndAppliesNoneByHalf()
    {
        var serviceId = fixture.RunId + "-bank";
        const string ns = "bank";
        Dictionary<int, long> final;
        await using (var cluster = await fixture.StartAzureTableClusterAsync(serviceId))
        {
            await cluster.Cluster.Client.GetGrain<INamespaceGrain>(ns).Create(new NamespaceSpec { Shards = 6, Transactional = true });
            var run = BankWorkload.Run(cluster.Store, ns, accounts: 10, initial: 100, clients: 8, duration: TimeSpan.FromSeconds(10));

            await Task.Delay(TimeSpan.FromSeconds(3));
            var victim = cluster.Cluster.SecondarySilos[0];
            await cluster.Cluster.KillSiloAsync(victim);

            var history = await run;
            output.WriteLine(history.Summary);
            history.AssertConsistent();
            final = history.Final;
        }

        await using var fresh = await fixture.StartAzureTableClusterAsync(serviceId);
        var read = await fresh.Store.Transaction(ns).Then([.. Enumerable.Range(0, 10).Select(i => TxnOp.Get(BankWorkload.Account(i)))]).CommitAsync();
        var balances = read.Results.Select((r, i) => (i, long.Parse(System.Text.Encoding.UTF8.GetString(r.Value!), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(final.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)), balances);
    }
}
