using Microsoft.Extensions.DependencyInjection;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Tests.Infrastructure;
using Platform.Transactions;
using Xunit.Abstractions;

namespace Platform.Tests.Transactions;

/// <summary>Isolation and the in-process bank test, through the typed client of the HTTP host (a real Orleans client).</summary>
[Collection(ClusterCollection.Name)]
public sealed class TransactionIsolationTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private IKeyValueStore Kv => fixture.ClientServices.GetRequiredService<IKeyValueStore>();

    private INamespaceAdmin Admin => fixture.ClientServices.GetRequiredService<INamespaceAdmin>();

    /// <summary>
    /// 20 clients × 50 read-modify-write transactions on one counter: the counter ends at exactly the number of
    /// commits, and every commit read a distinct value before it (no lost update, no two commits on the same snapshot).
    /// </summary>
    [Fact]
    public async Task ConcurrentIncrements_NeverLoseAnUpdate()
    {
        var ns = await CreateNamespace(shards: 4);
        const int clients = 20, perClient = 50;
        var seen = new System.Collections.Concurrent.ConcurrentBag<long>();
        var aborted = 0;
        var unknown = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < perClient; i++)
            {
                try
                {
                    var result = await Kv.Transaction(ns)
                        .Then(TransactionOp.Get("counter"), TransactionOp.Add("counter", 1))
                        .CommitAsync();
                    var before = result.Results[0].Found ? long.Parse(System.Text.Encoding.UTF8.GetString(result.Results[0].Value!), System.Globalization.CultureInfo.InvariantCulture) : 0;
                    var after = long.Parse(System.Text.Encoding.UTF8.GetString(result.Results[1].Value!), System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(before + 1, after);
                    seen.Add(before);
                }
                catch (PlatformTransactionFailedException ex) when (ex.RetrySafe)
                {
                    Interlocked.Increment(ref aborted);
                }
                catch (Exception ex) when (ex is PlatformTransactionFailedException { RetrySafe: false } or TimeoutException)
                {
                    // On a loaded machine a transaction can time out with its outcome unknown: it may have committed.
                    Interlocked.Increment(ref unknown);
                }
            }
        })));

        var final = await Kv.GetAsync(ns, "counter");
        var committed = seen.Count;
        var value = long.Parse(System.Text.Encoding.UTF8.GetString(final!.Value), System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"committed {committed}, aborted {aborted}, unknown {unknown} of {clients * perClient}; counter {value}");
        Assert.Equal(clients * perClient, committed + aborted + unknown);
        Assert.True(committed > 0, "no transaction committed");

        // Every acknowledged commit is in the counter, and only in-doubt ones can add to it.
        Assert.InRange(value, committed, committed + unknown);
        Assert.Equal(committed, seen.Distinct().Count());
        Assert.All(seen, before => Assert.InRange(before, 0, value - 1));
        if (unknown == 0)
        {
            Assert.Equal(Enumerable.Range(0, committed).Select(i => (long)i), seen.Order());
        }
    }

    /// <summary>
    /// The bank test in process: 10 accounts of 100, 8 clients doing random transfers (compare value >= amount,
    /// add -amount, add +amount, put a receipt) and full-balance reads until 400 transfers committed. Every read
    /// totals 1000 with no negative balance; every acknowledged transfer has its receipt and no refused one has; at
    /// the end the balances equal the initial ones plus every applied transfer.
    /// </summary>
    [Fact]
    public async Task Bank_RandomTransfersAndReads_KeepTotalAndMatchAcknowledgedTransfers()
    {
        var ns = await CreateNamespace(shards: 8);
        var history = await BankWorkload.RunAsync(Kv, ns, accounts: 10, initial: 100, clients: 8, commits: 400);
        output.WriteLine(history.Summary);
        await history.AssertConsistentAsync();
    }

    private async Task<string> CreateNamespace(int shards)
    {
        var ns = $"txn-{Guid.NewGuid():N}"[..16];
        await Admin.CreateAsync(ns, new NamespaceSpec { Shards = shards, Transactional = true });
        return ns;
    }
}
