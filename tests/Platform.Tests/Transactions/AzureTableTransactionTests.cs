using Platform.KeyValue;
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
    /// The bank workload on Azure Table transactional storage: every read totals 1000 with no negative balance, the
    /// balances match the acknowledged transfers, and a brand-new cluster on the same storage (every silo replaced)
    /// reads the same balances (durability). Silo kills are left to the process-cluster harness (SIGKILL).
    /// </summary>
    [Fact]
    public async Task Bank_OnAzureTableStorage_KeepsTotals_AndBalancesSurviveReplacingEverySilo()
    {
        var serviceId = fixture.RunId + "-bank";
        const string ns = "bank";
        Dictionary<int, long> final;
        await using (var cluster = await fixture.StartAzureTableClusterAsync(serviceId))
        {
            await cluster.Client.GetGrain<INamespaceGrain>(ns).Create(new NamespaceSpec { Shards = 6, Transactional = true });
            var history = await BankWorkload.Run(cluster.Service<IKeyValueStore>(), ns, accounts: 10, initial: 100, clients: 8, duration: TimeSpan.FromSeconds(8));
            output.WriteLine(history.Summary);
            history.AssertConsistent();
            final = history.Final;
        }

        await using var fresh = await fixture.StartAzureTableClusterAsync(serviceId);
        var read = await fresh.Service<IKeyValueStore>().Transaction(ns).Then([.. Enumerable.Range(0, 10).Select(i => TransactionOp.Get(BankWorkload.Account(i)))]).CommitAsync();
        var balances = read.Results.Select((r, i) => (i, long.Parse(System.Text.Encoding.UTF8.GetString(r.Value!), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(final.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)), balances);
    }

    /// <summary>
    /// The bank workload on Azure Table storage while one of the two silos is killed mid-run (TestCluster's kill: the
    /// silo stops abruptly with transactions between prepare and commit on it): every read totals 1000 with no
    /// negative balance and the final balances are explained by the acknowledged transfers (plus any subset of those
    /// whose outcome the client could not learn).
    /// </summary>
    [Fact]
    public async Task Bank_WhenASiloIsKilledMidRun_LosesNoTransferAndAppliesNoneByHalf()
    {
        await using var cluster = await fixture.StartAzureTableClusterAsync(fixture.RunId + "-kill");
        const string ns = "bank";
        await cluster.Client.GetGrain<INamespaceGrain>(ns).Create(new NamespaceSpec { Shards = 6, Transactional = true });
        var run = BankWorkload.Run(cluster.Service<IKeyValueStore>(), ns, accounts: 10, initial: 100, clients: 8, duration: TimeSpan.FromSeconds(12));

        await Task.Delay(TimeSpan.FromSeconds(4));
        await cluster.KillSiloAsync(cluster.Secondaries[0].Index);

        var history = await run;
        output.WriteLine(history.Summary);
        history.AssertConsistent();
    }
}
