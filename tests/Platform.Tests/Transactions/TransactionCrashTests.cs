using System.Globalization;
using System.Net;
using System.Text;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Testing.Cluster;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;
using Platform.Transactions;
using Xunit.Abstractions;

namespace Platform.Tests.Transactions;

/// <summary>
/// Crashes in the middle of two-phase commit on Azure Table transactional storage, at a point the test controls:
/// <see cref="TransactionCrashPoint"/> stops a participant's silo dead (no further storage call completes, no vote or
/// acknowledgement leaves it) exactly there, then the silo is killed, its shards recover on the other silo from
/// storage, and one transaction reads every balance and receipt. Orleans' own transaction manager and recovery make
/// every decision; the test only checks the outcome: each transfer applied as a whole (both balances and its
/// receipt) or not at all, totals conserved, and the outcome the phase forces.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class TransactionCrashTests(RealServersFixture fixture, ITestOutputHelper output)
{
    private const int Accounts = 8;
    private const long Initial = 100;

    /// <summary>
    /// A participant on the crashed silo had its prepared record in storage but never voted: the manager cannot have
    /// committed. While the participant is still frozen (not yet killed), the client's <c>POST /v1/txn</c> is answered
    /// 503 with <c>Retry-After</c>, a <c>reason</c> and <c>retrySafe: true</c>; after the kill and recovery the transfer
    /// is aborted as a whole (neither balance nor the receipt changed) and every earlier transfer is intact.
    /// </summary>
    [Fact]
    public Task Crash_AfterAParticipantPreparedBeforeItVoted_Answers503RetrySafeOverHttp_AndAbortsTheTransferAsAWhole() => CrashAndRecover(CrashPhase.Prepared);

    /// <summary>
    /// The manager (on the surviving silo) had decided commit; the participant on the crashed silo had not written
    /// it: recovery on the surviving silo applies the transfer as a whole (both balances and the receipt), and a
    /// client that got an answer was told it succeeded.
    /// </summary>
    [Fact]
    public Task Crash_AfterTheManagerCommittedBeforeAParticipantApplied_RecoversTheWholeTransfer() => CrashAndRecover(CrashPhase.CommitDecided);

    private static string Account(int i) => $"acct-{i}";

    /// <summary>A transfer over HTTP (<c>POST /v1/txn</c>), so the answer checked is the one a client gets on the wire.</summary>
    private static Task<ApiResponse<TransactionAnswer>> Transfer(PlatformApiClient api, string ns, int from, int to, string receipt) =>
        api.With(new PlatformApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(120) }).TransactAsync(new
        {
            @namespace = ns,
            compare = new object[] { new { key = Account(from), target = "value", op = ">=", value = 5 } },
            success = new object[]
            {
                new { op = "add", key = Account(from), value = "-5" },
                new { op = "add", key = Account(to), value = "5" },
                new { op = "put", key = receipt, value = $"{from}>{to}" },
            },
        });

    private async Task CrashAndRecover(CrashPhase phase)
    {
        var point = new TransactionCrashPoint();
        await using var cluster = await PlatformTestCluster.StartAsync(new()
        {
            Silos = 2,
            Storage = StorageMode.AzureTable,
            AzureTablesConnectionString = fixture.AzureTables,
            TablePrefix = fixture.RunId,
            ServiceId = $"{fixture.RunId}-crash-{phase}",
            ConfigureSilo = { point.Install },
        });
        var kv = cluster.Service<IKeyValueStore>();
        var victim = cluster.Secondaries[0];
        var (ns, onVictim, onSurvivor) = await NamespaceSpanningBothSilos(cluster, victim);
        output.WriteLine($"{phase}: accounts on the victim {victim}: [{string.Join(", ", onVictim)}], on the survivor: [{string.Join(", ", onSurvivor)}]");

        // Transfers between an account on the victim and one on the survivor, one at a time, until one of them has
        // a participant on the victim at the armed point (the victim's shard must be a participant, not the manager).
        point.Arm(victim.SiloAddress, phase);
        var applied = new List<(int From, int To, string Receipt)>();
        var refused = new List<string>();
        Task<ApiResponse<TransactionAnswer>>? crashed = null;
        (int From, int To, string Receipt) crashedTransfer = (0, 0, "");
        for (var attempt = 0; attempt < 60 && crashed is null; attempt++)
        {
            var v = onVictim[attempt % onVictim.Count];
            var s = onSurvivor[(attempt / onVictim.Count) % onSurvivor.Count];
            var (from, to) = attempt % 2 == 0 ? (v, s) : (s, v);
            var receipt = $"receipt-{attempt:D3}";
            var call = Transfer(cluster.Api, ns, from, to, receipt);
            if (await Task.WhenAny(call, point.Reached) == point.Reached)
            {
                crashed = call;
                crashedTransfer = (from, to, receipt);
                break;
            }

            // Answered: when a participant on the victim prepared this transfer (the point names it), the victim
            // crashes at this transfer's confirmation, which Orleans sends after answering the client. No other
            // transfer starts until then, so the frozen confirmation is this transfer's.
            if (point.Target is not null)
            {
                crashed = call;
                crashedTransfer = (from, to, receipt);
                await point.Reached.WaitAsync(TimeSpan.FromSeconds(60));
                break;
            }

            var done = await call;
            if (done.Status == 200 && done.Ok().Succeeded)
            {
                applied.Add((from, to, receipt));
            }
            else if (done.Status == 200 || done.Problem?.RetrySafe == true)
            {
                refused.Add(receipt);
            }
            else
            {
                Assert.Fail($"transfer {receipt} before the crash: {done.Status} {done.Text}");
            }
        }

        Assert.True(crashed is not null, $"no transfer reached {phase} on {victim} in 60 attempts ({applied.Count} committed): the victim's shards were always the manager");
        var named = await point.Reached;
        output.WriteLine($"crash point {phase} reached by {named.Grain} in transaction {named.TransactionId} (record {named.SequenceId}): transfer {crashedTransfer}, after {applied.Count} committed transfers");

        // At "prepared, not voted" the victim is frozen, not yet killed: the manager never gets its vote, and the
        // client's answer over HTTP must say the transfer failed and that retrying is safe (it aborted).
        ApiResponse<TransactionAnswer>? frozenAnswer = null;
        if (phase == CrashPhase.Prepared)
        {
            frozenAnswer = await crashed.WaitAsync(TimeSpan.FromSeconds(150));
            output.WriteLine($"answer while the participant is frozen: {frozenAnswer.Status}, Retry-After {frozenAnswer.RetryAfter}, {frozenAnswer.Text}");
        }

        await cluster.KillSiloAsync(victim.Index);
        point.Release();

        // The client's answer and one transaction reading every balance and receipt, side by side: the read takes
        // each shard's lock, so it waits until recovery resolved the crashed transfer on the victim's shards.
        var receipts = applied.Select(a => a.Receipt).Concat(refused).Append(crashedTransfer.Receipt).ToList();
        var ops = Enumerable.Range(0, Accounts).Select(i => TransactionOp.Get(Account(i))).Concat(receipts.Select(TransactionOp.Get)).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var reading = Eventually.Until(async ct =>
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(TimeSpan.FromSeconds(20));
                return (await kv.Transaction(ns).Then(ops).CommitAsync(attempt.Token)).Results;
            },
            _ => true,
            "every balance and receipt after recovery",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(150), Interval = TimeSpan.FromMilliseconds(500), RetryOn = static _ => true });

        var final = frozenAnswer ?? await crashed.WaitAsync(TimeSpan.FromSeconds(150));
        bool? succeeded = final.Status == 200 ? final.Ok().Succeeded : final.Problem?.RetrySafe == true ? false : null;
        var answer = $"{final.Status} {final.Text}";

        var results = await reading;
        var balances = Enumerable.Range(0, Accounts).Select(i => long.Parse(Encoding.UTF8.GetString(results[i].Value!), CultureInfo.InvariantCulture)).ToArray();
        var found = receipts.Select((r, i) => (r, results[Accounts + i].Found)).ToDictionary(x => x.r, x => x.Found, StringComparer.Ordinal);
        var crashedApplied = found[crashedTransfer.Receipt];
        output.WriteLine($"client answer: {answer}; applied after recovery: {crashedApplied}; balances [{string.Join(", ", balances)}]; final read after {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(Initial * Accounts, balances.Sum());
        Assert.All(applied, a => Assert.True(found[a.Receipt], $"committed transfer {a} lost its receipt"));
        Assert.All(refused, r => Assert.False(found[r], $"refused transfer {r} has a receipt"));
        var expected = Enumerable.Repeat(Initial, Accounts).ToArray();
        foreach (var (from, to, _) in crashedApplied ? [.. applied, crashedTransfer] : applied)
        {
            expected[from] -= 5;
            expected[to] += 5;
        }

        Assert.True(expected.SequenceEqual(balances), $"balances [{string.Join(", ", balances)}] are not the committed transfers applied whole [{string.Join(", ", expected)}] (crashed transfer applied: {crashedApplied})");
        if (phase == CrashPhase.Prepared)
        {
            Assert.False(crashedApplied, "a transfer whose participant never voted was applied");
            Assert.True(final.StatusCode == HttpStatusCode.ServiceUnavailable, $"a transfer whose participant froze before voting got {answer}");
            Assert.True(final.Problem is { RetrySafe: true, Reason: not null }, $"the 503 does not say retrySafe: true with a reason: {answer}");
            Assert.True(final.RetryAfter is not null, $"the 503 has no Retry-After: {answer}");
        }
        else
        {
            // The frozen confirmation is the crashed transfer's own (the point names the transaction): the manager
            // decided commit, so the client was told so, and recovery applies it.
            Assert.True(succeeded, $"the manager decided commit of the named transfer, but the client got: {answer}");
            Assert.True(crashedApplied, "a transfer the manager committed was not applied after recovery");
        }

        // The fault mattered: the crashed participant's accounts are served by the survivor now.
        var now = await Eventually.Until(_ => BankWorkloadSilos(cluster, ns), _ => true, "the accounts' shards to answer where they live",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(60), Interval = TimeSpan.FromMilliseconds(500), RetryOn = static _ => true });
        Assert.All(onVictim, i => Assert.Equal(cluster.Primary.SiloAddress.ToParsableString(), now[i]));
    }

    private static async Task<(string Ns, List<int> OnVictim, List<int> OnSurvivor)> NamespaceSpanningBothSilos(PlatformTestCluster cluster, TestSilo victim)
    {
        var admin = cluster.Service<INamespaceAdmin>();
        var kv = cluster.Service<IKeyValueStore>();
        // Right after start-up placement may not see the secondary yet: keep trying fresh namespaces for a minute.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        for (var attempt = 0; attempt < 20 || DateTime.UtcNow < deadline; attempt++)
        {
            // Shards activate where Orleans' placement puts them (resource-optimized: often all on one silo when
            // activated together), so locating each account first (one client call per shard, through either
            // gateway) and trying a few namespaces finds one that spans both silos.
            var ns = $"crash-{attempt}";
            await admin.CreateAsync(ns, new NamespaceSpec { Shards = 8, Transactional = true });
            var silos = await BankWorkloadSilos(cluster, ns);
            Assert.True((await kv.Transaction(ns).Then([.. Enumerable.Range(0, Accounts).Select(i => TransactionOp.Put(Account(i), Initial.ToString(CultureInfo.InvariantCulture)))]).CommitAsync()).Succeeded);
            var onVictim = Enumerable.Range(0, Accounts).Where(i => silos[i] == victim.SiloAddress.ToParsableString()).ToList();
            var onSurvivor = Enumerable.Range(0, Accounts).Except(onVictim).ToList();
            if (onVictim.Count > 0 && onSurvivor.Count > 0)
            {
                return (ns, onVictim, onSurvivor);
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException("For a minute, every new namespace had all its accounts' shards on one silo");
    }

    private static async Task<IReadOnlyList<string>> BankWorkloadSilos(PlatformTestCluster cluster, string ns)
    {
        var admin = cluster.Service<INamespaceAdmin>();
        return await Task.WhenAll(Enumerable.Range(0, Accounts).Select(async i => (await admin.LocateAsync(ns, Account(i))).Silo));
    }
}
