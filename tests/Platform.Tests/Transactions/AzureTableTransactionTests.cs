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
    private const int Accounts = 10;

    /// <summary>
    /// The bank workload on Azure Table transactional storage: every read totals 1000 with no negative balance, the
    /// balances match the applied transfers, and a brand-new cluster on the same storage (every silo replaced)
    /// reads the same balances (durability).
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
            var history = await BankWorkload.RunAsync(cluster.Service<IKeyValueStore>(), ns, Accounts, initial: 100, clients: 8, commits: 300);
            output.WriteLine(history.Summary);
            await history.AssertConsistentAsync();
            final = history.Final;
        }

        await using var fresh = await fixture.StartAzureTableClusterAsync(serviceId);
        var read = await fresh.Service<IKeyValueStore>().Transaction(ns).Then([.. Enumerable.Range(0, Accounts).Select(i => TransactionOp.Get(BankWorkload.Account(i)))]).CommitAsync();
        var balances = read.Results.Select((r, i) => (i, long.Parse(System.Text.Encoding.UTF8.GetString(r.Value!), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(final.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)), balances);
    }

    /// <summary>
    /// The bank workload on Azure Table storage while the secondary silo, chosen because it hosts bank shards, is
    /// killed mid-run and later restarted: transfers keep committing after the kill and after the restart; every
    /// read totals 1000 with no negative balance; every acknowledged transfer has its receipt and none refused has;
    /// the final balances (read in one transaction with the receipts of the unknown outcomes) equal the initial ones
    /// plus exactly the applied transfers. The kill is TestCluster's (not a crash; TransactionCrashTests and the
    /// SIGKILL test of Platform.ClusterTests crash for real).
    /// </summary>
    [Fact]
    public async Task Bank_WhenASiloHostingBankShardsIsKilledAndRestarted_KeepsCommitting_LosesNoTransferAndAppliesNoneByHalf()
    {
        await using var cluster = await fixture.StartAzureTableClusterAsync(fixture.RunId + "-kill");
        var admin = cluster.Service<INamespaceAdmin>();
        var victim = cluster.Secondaries[0];
        var victimAddress = victim.SiloAddress.ToParsableString();
        string ns = "";
        var hosted = new List<int>();
        // Right after start-up the primary may not yet see the secondary as active and places every shard itself:
        // try fresh namespaces, a little apart, until one puts an account on the victim.
        for (var attempt = 0; attempt < 60 && hosted.Count == 0; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(250);
            }

            ns = $"bank-{attempt}";
            await admin.CreateAsync(ns, new NamespaceSpec { Shards = 6, Transactional = true });
            var silos = await BankWorkload.AccountSilos(admin, ns, Accounts);
            hosted = [.. Enumerable.Range(0, Accounts).Where(i => silos[i] == victimAddress)];
        }

        Assert.True(hosted.Count > 0, $"no bank account's shard is on {victim} in 60 namespaces");
        var bank = await BankWorkload.StartAsync(cluster.Service<IKeyValueStore>(), ns, Accounts, initial: 100, clients: 8);
        await using (bank)
        {
            await bank.WaitForCommitsAsync(100, "100 transfers before the kill");
            var beforeKill = bank.Committed;
            await cluster.KillSiloAsync(victim.Index);
            await bank.WaitForCommitsAsync(50, "50 transfers after the kill");
            var afterKill = bank.Committed - beforeKill;

            // The fault touched the workload: the accounts the victim hosted are served by the other silo now.
            var moved = await BankWorkload.AccountSilos(admin, ns, Accounts);
            Assert.All(hosted, i => Assert.Equal(cluster.Primary.SiloAddress.ToParsableString(), moved[i]));

            await cluster.StartSiloAsync(victim.Index);
            var beforeRestart = bank.Committed;
            await bank.WaitForCommitsAsync(50, "50 transfers after the restart");
            await bank.StopAsync();
            output.WriteLine($"victim {victim} hosted accounts [{string.Join(", ", hosted)}]; committed {beforeKill} before the kill, {afterKill}+ after it, " +
                $"{bank.Committed - beforeRestart} after the restart; final read took {bank.FinalReadTook.TotalSeconds:F1} s");
        }

        output.WriteLine(bank.Summary);
        await bank.AssertConsistentAsync();
    }
}
