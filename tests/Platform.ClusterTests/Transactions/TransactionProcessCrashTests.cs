using System.Globalization;
using System.Net;
using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
using Platform.Testing.Http;
using Platform.Testing.Setup;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Transactions;

/// <summary>
/// A real silo process SIGKILLed in the middle of two-phase commit, at a step the test controls and with no hook in
/// the product: the victim silo talks to Azurite through a <see cref="TransactionCrashProxy"/>, which reads its
/// transactional-state writes on the wire and kills it exactly when the watched participant shard's record of the
/// transfer was prepared (and storage accepted it), or when the write applying the manager's commit decision arrives.
/// One transfer is in flight; its manager (the lowest written shard: the other account's, which also holds the
/// receipt) lives on another silo. Orleans' own manager and recovery decide; the test reads both balances and every
/// receipt in one transaction and checks the transfer applied as a whole or not at all, and as the step forces.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class TransactionProcessCrashTests(ThreeSiloCluster cluster, ITestOutputHelper output)
{
    private const long Initial = 100;
    private const int Amount = 5;
    private const int WarmUps = 3;

    /// <summary>
    /// The participant's prepared record is in storage but the process died before it learnt so: it never voted, so
    /// the manager cannot have committed. The transfer is aborted as a whole (balances and receipt unchanged), the
    /// client is not told it succeeded, and the earlier transfers are intact.
    /// </summary>
    [Fact]
    public Task SigKill_WhenAParticipantsPreparedRecordIsStored_BeforeItVotes_AbortsTheTransferAsAWhole() =>
        cluster.RunAsync(output, () => CrashAsync(TransactionCrashStep.Prepared));

    /// <summary>
    /// The manager decided commit and answered the client; the participant's process died before its write applying
    /// the decision reached storage. Recovery on another silo applies the transfer as a whole: both balances moved
    /// and the receipt exists.
    /// </summary>
    [Fact]
    public Task SigKill_AfterTheManagerDecidedCommit_BeforeTheParticipantApplied_RecoversTheWholeTransfer() =>
        cluster.RunAsync(output, () => CrashAsync(TransactionCrashStep.CommitDecided));

    private PlatformApiClient Api => cluster.Api.With(new PlatformApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(60) });

    private async Task CrashAsync(TransactionCrashStep step)
    {
        await cluster.EnsureHealthyAsync();
        var victim = cluster.Silos.Count - 1;
        await using var crash = new TransactionCrashProxy(TestServers.AzureTables, () => cluster.KillSilo(victim));
        try
        {
            await cluster.RestartSiloAsync(victim, new Dictionary<string, string> { ["Platform:Storage:ConnectionString"] = crash.ConnectionString });
            await cluster.WaitForAllActiveAsync();
            var layout = await FindLayoutAsync(victim);
            output.WriteLine($"{step}: {layout}");
            crash.Watch(layout.VictimGrain);
            await Retry(async ct => (await Api.TransactAsync(new
            {
                @namespace = layout.Namespace,
                success = new[] { new { op = "put", key = layout.VictimAccount, value = "100" }, new { op = "put", key = layout.OtherAccount, value = "100" } },
            }, ct)).Status == 200, "open both accounts");

            // A few transfers through the proxy as it is: the victim's shard prepares and applies as usual.
            for (var i = 0; i < WarmUps; i++)
            {
                var warm = await TransferAsync(layout, layout.Receipts[i]);
                Assert.True(warm.Status == 200 && warm.Ok().Succeeded, $"warm-up transfer {i}: {warm.Status} {warm.Text}");
            }

            // Every write of the warm-ups applied on the victim's shard (Orleans confirms after answering the client),
            // so the next record the shard prepares is the crash transfer's: the only transaction in flight.
            await Eventually.Until(() => crash.Watched.Committed == crash.Watched.Prepared && crash.Watched.Prepared > 0, "the victim's shard to apply every warm-up transfer",
                TimeSpan.FromSeconds(60), () => string.Join(Environment.NewLine, crash.Seen));
            crash.Arm(step);
            // Its answer may never come (the manager waits for a vote from a dead silo): 30 s, then it is unknown.
            var call = TransferAsync(layout, layout.Receipts[WarmUps], TimeSpan.FromSeconds(30));
            var crashed = await crash.Reached.WaitAsync(TimeSpan.FromSeconds(90));
            output.WriteLine($"SIGKILL {cluster.Silos[victim]} at {step} of transaction {crashed.TransactionId} (record {crashed.SequenceId} of {crashed.Partition})");
            var port = cluster.Silos[victim].SiloPort;
            await cluster.WaitForViewAsync(v => v.IsDeclaredDead(port), $"silo {victim} declared Dead");

            var answer = await call;
            output.WriteLine($"the crashed transfer's answer: {answer.Status} {answer.Text}");

            // Both balances and every receipt in one transaction (it waits for recovery to resolve the crashed one).
            var receipts = layout.Receipts.Take(WarmUps + 1).ToList();
            var results = (await Eventually.Until(
                ct => Api.TransactAsync(new
                {
                    @namespace = layout.Namespace,
                    success = new[] { layout.VictimAccount, layout.OtherAccount }.Concat(receipts).Select(k => new { op = "get", key = k }),
                }, ct),
                r => r.Status == 200,
                "both balances and every receipt after recovery",
                new EventuallyOptions { Timeout = TimeSpan.FromSeconds(150), Interval = TimeSpan.FromMilliseconds(500) })).Ok().Results;
            var victimBalance = long.Parse(results[0].Value!, CultureInfo.InvariantCulture);
            var otherBalance = long.Parse(results[1].Value!, CultureInfo.InvariantCulture);
            var applied = results[2 + WarmUps].Found;
            output.WriteLine($"after recovery: {layout.VictimAccount} {victimBalance}, {layout.OtherAccount} {otherBalance}, crashed transfer's receipt {(applied ? "present" : "absent")}");

            Assert.All(results.Skip(2).Take(WarmUps), r => Assert.True(r.Found, $"acknowledged warm-up transfer lost its receipt {r.Key}"));
            Assert.Equal(2 * Initial, victimBalance + otherBalance);
            var moved = (WarmUps + (applied ? 1 : 0)) * Amount;
            Assert.True(victimBalance == Initial + moved && otherBalance == Initial - moved,
                $"balances {victimBalance}/{otherBalance} are not the transfers applied whole (crashed transfer's receipt {(applied ? "present" : "absent")})");
            var succeeded = answer.Status == 200 && answer.Ok().Succeeded;
            if (step == TransactionCrashStep.Prepared)
            {
                Assert.DoesNotContain(" 412 ", crashed.StorageAnswer, StringComparison.Ordinal);
                Assert.Contains("HTTP/1.1 20", crashed.StorageAnswer, StringComparison.Ordinal);
                Assert.False(applied, "a transfer whose participant never voted was applied");
                Assert.False(succeeded, "a transfer whose participant never voted was answered as committed");
                Assert.True(answer.Status is 0 or 409 or 503, $"the aborted transfer got {answer.Status}: {answer.Text}");
            }
            else
            {
                Assert.True(succeeded, $"the manager decided commit but the client got {answer.Status} {answer.Text}");
                Assert.True(applied, "a transfer the manager committed was not applied after recovery");
            }

            // The fault mattered: the victim's shard now answers from another silo.
            var now = await SiloOfKeyAsync(layout.Namespace, layout.VictimAccount);
            Assert.NotEqual(victim, now.Silo);
        }
        finally
        {
            // A silo still behind the proxy would lose its storage with it: kill it; the next test restarts the slot.
            if (!crash.Reached.IsCompleted)
            {
                cluster.KillSilo(victim);
            }
        }
    }

    private Task<ApiResponse<TransactionAnswer>> TransferAsync(Layout layout, string receipt, TimeSpan? timeout = null)
    {
        var api = timeout is { } t ? cluster.Api.With(new PlatformApiClientOptions { RequestTimeout = t }) : Api;
        return api.TransactAsync(new
        {
            @namespace = layout.Namespace,
            compare = new object[] { new { key = layout.OtherAccount, target = "value", op = ">=", value = Amount } },
            success = new object[]
            {
                new { op = "add", key = layout.OtherAccount, value = (-Amount).ToString(CultureInfo.InvariantCulture) },
                new { op = "add", key = layout.VictimAccount, value = Amount.ToString(CultureInfo.InvariantCulture) },
                new { op = "put", key = receipt, value = "1" },
            },
        });
    }

    /// <summary>
    /// A fresh transactional namespace with an account whose shard lives on the victim and another account on a
    /// lower shard elsewhere (the manager), plus receipt keys on that lower shard, so the victim is a participant only.
    /// </summary>
    private async Task<Layout> FindLayoutAsync(int victim)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var ns = $"crash-{Guid.NewGuid().ToString("N")[..8]}";
            await Retry(async ct => (await Api.CreateNamespaceAsync(ns, shards: 8, transactional: true, cancellationToken: ct)).IsSuccess, "create the namespace");
            var accounts = new List<(string Key, KeyLocation Location, int Silo)>();
            for (var i = 0; i < 16; i++)
            {
                var key = $"acct-{i:D2}";
                var (location, silo) = await SiloOfKeyAsync(ns, key);
                accounts.Add((key, location, silo));
            }

            var pairs = from v in accounts
                        where v.Silo == victim
                        from o in accounts
                        where o.Silo != victim && o.Location.Shard < v.Location.Shard
                        select (Victim: v, Other: o);
            if (pairs.FirstOrDefault() is { Victim.Key: not null } pair)
            {
                var receipts = new List<string>();
                for (var i = 0; receipts.Count < WarmUps + 1 && i < 400; i++)
                {
                    var key = $"receipt-{i:D3}";
                    if ((await Located(ns, key)).Shard == pair.Other.Location.Shard)
                    {
                        receipts.Add(key);
                    }
                }

                Assert.Equal(WarmUps + 1, receipts.Count);
                return new Layout(ns, pair.Victim.Key, pair.Victim.Location.Grain, pair.Other.Key, pair.Other.Location.Shard, receipts);
            }
        }

        throw new InvalidOperationException($"no namespace in 10 had an account on silo {victim} above another silo's shard");
    }

    private async Task<(KeyLocation Location, int Silo)> SiloOfKeyAsync(string ns, string key)
    {
        var location = await Located(ns, key);
        return (location, cluster.Silos.Single(s => ClusterView.AddressHasPort(location.Silo, s.SiloPort)).Index);
    }

    /// <summary><c>/locate</c> (it activates the shard); a 503 is retried.</summary>
    private async Task<KeyLocation> Located(string ns, string key) =>
        (await Eventually.Until(
            ct => cluster.Api.LocateAsync(ns, key, ct),
            a => a.StatusCode != HttpStatusCode.ServiceUnavailable,
            $"locate {ns}/{key}",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(60), Interval = TimeSpan.FromMilliseconds(200) })).Ok();

    private static Task<bool> Retry(Func<CancellationToken, Task<bool>> attempt, string what) =>
        Eventually.Until(attempt, ok => ok, what, new EventuallyOptions { Timeout = TimeSpan.FromSeconds(90), Interval = TimeSpan.FromMilliseconds(500) });

    private sealed record Layout(string Namespace, string VictimAccount, string VictimGrain, string OtherAccount, int ManagerShard, IReadOnlyList<string> Receipts)
    {
        public override string ToString() => $"{Namespace}: {VictimAccount} on the victim's shard {VictimGrain}, {OtherAccount} and the receipts on shard {ManagerShard} (the manager)";
    }
}
