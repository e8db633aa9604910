using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Transactions;

/// <summary>
/// Jepsen's bank test through <c>POST /v1/txn</c> on the three-silo process cluster (PostgreSQL membership, Azure Table
/// storage incl. the transactional state) while the nemesis SIGKILLs one silo and later restarts it.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class TransactionBankFaultTests(ThreeSiloCluster cluster, ITestOutputHelper output)
{
    private const int Accounts = 10;
    private const long Initial = 100;

    /// <summary>The balance a read reports for an account that was not found.</summary>
    private const long Missing = long.MinValue;

    /// <summary>
    /// 8 clients run random transfers (compare value >= amount, add -amount, add +amount, plus a receipt key) and
    /// full-balance reads. The victim is the silo hosting the most account shards (from <c>/locate</c>): SIGKILLed after 20
    /// acknowledged transfers, restarted once 5 transfers on its accounts committed after it was declared Dead, and the
    /// clients stop (in a finally) once 5 more committed after the restart. Every read totals 1000 with no
    /// negative balance; afterwards the balances equal the initial ones plus every acknowledged transfer plus exactly
    /// those unknown-outcome transfers whose receipt exists, and no transfer answered as failed left a receipt.
    /// </summary>
    [Fact]
    public Task Bank_UnderSigKill_EveryReadTotals1000_AndBalancesMatchAcknowledgedTransfers() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var ns = $"bank-{Guid.NewGuid().ToString("N")[..8]}";
        await Retry(async ct => (await Api.CreateNamespaceAsync(ns, shards: 6, transactional: true, cancellationToken: ct)).IsSuccess, "create the bank namespace");
        await Retry(async ct => (await Api.TransactAsync(new { @namespace = ns, success = Enumerable.Range(0, Accounts).Select(i => new { op = "put", key = Account(i), value = "100" }) }, ct)).Status == 200, "open the accounts");

        // The victim hosts bank shards: the silo /locate names for the most accounts (it activates their shards).
        var located = new List<(int Account, int Silo)>();
        for (var i = 0; i < Accounts; i++)
        {
            located.Add((i, await SiloOfKeyAsync(ns, Account(i))));
        }

        var hosting = located.GroupBy(l => l.Silo).MaxBy(g => g.Count())!;
        var victim = hosting.Key;
        var victimAccounts = hosting.Select(l => l.Account).ToList();
        output.WriteLine($"victim {cluster.Silos[victim]} hosts the shards of accounts {string.Join(", ", victimAccounts)}");

        var acked = new ConcurrentQueue<Transfer>();
        var failed = new ConcurrentQueue<Transfer>();
        var unknown = new ConcurrentQueue<Transfer>();
        var violations = new ConcurrentQueue<string>();
        int insufficient = 0, reads = 0, failedReads = 0, nextId = 0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var random = new Random(c * 7919 + 1);
            while (!stop.IsCancellationRequested)
            {
                if (random.Next(4) == 0)
                {
                    var read = await Api.TransactAsync(new { @namespace = ns, success = Enumerable.Range(0, Accounts).Select(i => new { op = "get", key = Account(i) }) });
                    if (read.Status != 200)
                    {
                        Interlocked.Increment(ref failedReads);
                        continue;
                    }

                    Interlocked.Increment(ref reads);
                    var balances = Balances(read.Ok());
                    if (balances.Any(b => b == Missing))
                    {
                        violations.Enqueue($"read at {clock.Elapsed.TotalSeconds:F1} s: accounts missing [{string.Join(", ", balances.Select((b, i) => (b, i)).Where(x => x.b == Missing).Select(x => Account(x.i)))}]");
                    }
                    else if (balances.Sum() != Initial * Accounts || balances.Any(b => b < 0))
                    {
                        violations.Enqueue($"read at {clock.Elapsed.TotalSeconds:F1} s: total {balances.Sum()} [{string.Join(", ", balances)}]");
                    }

                    continue;
                }

                var from = random.Next(Accounts);
                var transfer = new Transfer(Interlocked.Increment(ref nextId), from, (from + 1 + random.Next(Accounts - 1)) % Accounts, random.Next(1, 21));
                var answer = await Api.TransactAsync(new
                {
                    @namespace = ns,
                    compare = new object[] { new { key = Account(transfer.From), target = "value", op = ">=", value = transfer.Amount } },
                    success = new object[]
                    {
                        new { op = "add", key = Account(transfer.From), value = (-transfer.Amount).ToString(CultureInfo.InvariantCulture) },
                        new { op = "add", key = Account(transfer.To), value = transfer.Amount.ToString(CultureInfo.InvariantCulture) },
                        new { op = "put", key = Receipt(transfer.Id), value = "1" },
                    },
                });
                if (answer.Status == 200 && answer.Ok().Succeeded)
                {
                    acked.Enqueue(transfer with { AckedAt = clock.Elapsed });
                }
                else if (answer.Status == 200)
                {
                    Interlocked.Increment(ref insufficient);
                }
                else if (RetrySafe(answer))
                {
                    failed.Enqueue(transfer);
                }
                else
                {
                    unknown.Enqueue(transfer);
                }
            }
        })).ToArray();

        string Progress() => $"committed {acked.Count}, refused for balance {insufficient}, aborted {failed.Count}, unknown {unknown.Count} at {clock.Elapsed.TotalSeconds:F1} s"
            + (violations.TryPeek(out var first) ? $"; {violations.Count} violations, first: {first}" : "");
        TimeSpan deadAt, restartedAt;
        try
        {
            await Eventually.Until(() => acked.Count >= 20, "20 acknowledged transfers before the kill", TimeSpan.FromSeconds(90), Progress);
            foreach (var account in victimAccounts)
            {
                var at = await SiloOfKeyAsync(ns, Account(account));
                Assert.True(at == victim, $"{Account(account)} moved from silo {victim} to silo {at} before the kill");
            }

            cluster.KillSilo(victim);
            output.WriteLine($"SIGKILL {cluster.Silos[victim]} at {clock.Elapsed.TotalSeconds:F1} s");
            var port = cluster.Silos[victim].SiloPort;
            await cluster.WaitForViewAsync(v => v.IsDeclaredDead(port), $"silo {victim} declared Dead");
            deadAt = clock.Elapsed;
            output.WriteLine($"declared Dead at {deadAt.TotalSeconds:F1} s");

            // Transfers touching the victim's accounts commit while it is dead (their shards moved), then after the restart.
            await Eventually.Until(() => acked.Count(t => t.AckedAt > deadAt && Touches(t, victimAccounts)) >= 5, "5 transfers on the victim's accounts committed after it was declared Dead", TimeSpan.FromSeconds(90), Progress);
            await cluster.RestartSiloAsync(victim);
            restartedAt = clock.Elapsed;
            output.WriteLine($"restarted {cluster.Silos[victim]} at {restartedAt.TotalSeconds:F1} s");
            await Eventually.Until(() => acked.Count(t => t.AckedAt > restartedAt) >= 5, "5 transfers committed after the restart", TimeSpan.FromSeconds(90), Progress);
        }
        finally
        {
            // Clients never outlive the test, whatever failed above.
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        // Afterwards: final balances and the receipts of every transfer that failed or whose outcome the client did not
        // learn, in one transaction (an in-doubt transfer resolving between two reads would otherwise fail the check).
        var doubted = unknown.Concat(failed).ToList();
        Assert.True(Accounts + doubted.Count <= 128, $"{doubted.Count} failed or unknown transfers: more receipts than one transaction reads");
        long[] final = [];
        var appliedUnknown = new List<Transfer>();
        var appliedFailed = new List<Transfer>();
        await Retry(async ct =>
        {
            var read = await Api.TransactAsync(new
            {
                @namespace = ns,
                success = Enumerable.Range(0, Accounts).Select(i => new { op = "get", key = Account(i) })
                    .Concat(doubted.Select(t => new { op = "get", key = Receipt(t.Id) })),
            }, ct);
            if (read.Status != 200)
            {
                return false;
            }

            var results = read.Ok().Results;
            final = Balances(results.Take(Accounts));
            var applied = doubted.Where((t, i) => results[Accounts + i].Found).ToHashSet();
            appliedUnknown = [.. unknown.Where(applied.Contains)];
            appliedFailed = [.. failed.Where(applied.Contains)];
            return true;
        }, "read the final balances and receipts");

        var expected = Enumerable.Repeat(Initial, Accounts).ToArray();
        foreach (var t in acked.Concat(appliedUnknown))
        {
            expected[t.From] -= t.Amount;
            expected[t.To] += t.Amount;
        }

        output.WriteLine($"transfers: committed {acked.Count}, refused for balance {insufficient}, aborted {failed.Count}, unknown {unknown.Count} (of which applied {appliedUnknown.Count}); reads {reads} (failed {failedReads})");
        output.WriteLine($"final [{string.Join(", ", final)}], expected [{string.Join(", ", expected)}]");
        foreach (var v in violations.Take(20))
        {
            output.WriteLine("VIOLATION " + v);
        }

        Assert.Empty(violations);
        Assert.True(!acked.IsEmpty && reads > 0, "no transfer or no read completed");
        Assert.Empty(appliedFailed);
        Assert.Equal(expected, final);
    });

    private static string Account(int i) => $"account-{i:D2}";

    private static string Receipt(int id) => $"receipt-{id:D6}";

    private static long[] Balances(TransactionAnswer answer) => Balances(answer.Results);

    private static long[] Balances(IEnumerable<TransactionOpAnswer> results) =>
        [.. results.Select(r => r.Found ? long.Parse(r.Value!, CultureInfo.InvariantCulture) : Missing)];

    private static bool Touches(Transfer t, List<int> accounts) => accounts.Contains(t.From) || accounts.Contains(t.To);

    /// <summary>The index of the silo hosting <paramref name="key"/>'s shard (from <c>/locate</c>, which activates it).</summary>
    /// A 503 (a transactional shard's stats are a transaction, which can time out under load) is retried; a 500 fails.
    private async Task<int> SiloOfKeyAsync(string ns, string key)
    {
        var answer = await Eventually.Until(
            ct => cluster.Api.LocateAsync(ns, key, ct),
            a => a.StatusCode != HttpStatusCode.ServiceUnavailable,
            $"locate {ns}/{key}",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(60), Interval = TimeSpan.FromMilliseconds(200) });
        var location = answer.Ok();
        return cluster.Silos.Single(s => ClusterView.AddressHasPort(location.Silo, s.SiloPort)).Index;
    }

    /// <summary>The API for the bank's clients: a 20 s client timeout, after which a transfer's outcome is unknown (status 0).</summary>
    private PlatformApiClient Api => cluster.Api.With(new PlatformApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(20) });

    /// <summary>A refusal that certainly changed nothing: 409 or 503 with <c>retrySafe: true</c>.</summary>
    private static bool RetrySafe(ApiResponse answer) =>
        answer.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable && answer.Problem?.RetrySafe == true;

    private static Task<bool> Retry(Func<CancellationToken, Task<bool>> attempt, string what) =>
        Eventually.Until(attempt, ok => ok, what, new EventuallyOptions { Timeout = TimeSpan.FromSeconds(90), Interval = TimeSpan.FromMilliseconds(500) });

    private sealed record Transfer(int Id, int From, int To, long Amount, TimeSpan AckedAt = default);
}
