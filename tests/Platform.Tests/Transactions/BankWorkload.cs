using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Testing.Waiting;
using Platform.Transactions;

namespace Platform.Tests.Transactions;

/// <summary>
/// Jepsen's bank workload over the typed client: random transfers guarded by a balance comparison, each writing a
/// receipt key in the same transaction, and reads of all balances in one transaction. The workload owns its clients:
/// <see cref="StopAsync"/> (and <see cref="DisposeAsync"/>, for a test that fails midway) cancels them and awaits
/// every one, so none outlives the test. A transfer whose outcome the client could not learn is resolved exactly
/// afterwards: it applied if and only if its receipt exists, read in the same transaction as the final balances.
/// </summary>
internal sealed class BankWorkload : IAsyncDisposable
{
    private const int MaxOpsPerList = 128;
    private readonly ConcurrentQueue<Transfer> _acknowledged = new();
    private readonly ConcurrentQueue<Transfer> _unknown = new();
    private readonly ConcurrentQueue<Transfer> _aborted = new();
    private readonly ConcurrentQueue<Transfer> _appliedUnknown = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly IKeyValueStore _kv;
    private readonly string _ns;
    private Task _clients = Task.CompletedTask;
    private int _insufficient;
    private int _reads;
    private int _failedReads;

    private BankWorkload(IKeyValueStore kv, string ns, int accounts, long initial)
    {
        _kv = kv;
        _ns = ns;
        Accounts = accounts;
        Initial = initial;
    }

    public int Accounts { get; }

    public long Initial { get; }

    /// <summary>Transfers acknowledged as committed so far.</summary>
    public int Committed => _acknowledged.Count;

    /// <summary>Full-balance reads that answered so far.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>The balances read after the run.</summary>
    public Dictionary<int, long> Final { get; } = [];

    /// <summary>Of the transfers with an unknown outcome, how many the receipts showed as applied.</summary>
    public int UnknownApplied { get; private set; }

    /// <summary>How long the final read took (it waits for recovery after a fault).</summary>
    public TimeSpan FinalReadTook { get; private set; }

    public string Summary =>
        $"transfers committed {_acknowledged.Count}, refused for balance {_insufficient}, aborted {_aborted.Count}, unknown {_unknown.Count} (applied {UnknownApplied}); " +
        $"reads {_reads} (failed {_failedReads}); final [{string.Join(", ", Final.OrderBy(p => p.Key).Select(p => p.Value))}]";

    public static string Account(int i) => $"account-{i:D2}";

    /// <summary>Opens the accounts and starts <paramref name="clients"/> clients that run until <see cref="StopAsync"/>.</summary>
    public static async Task<BankWorkload> StartAsync(IKeyValueStore kv, string ns, int accounts, long initial, int clients)
    {
        var bank = new BankWorkload(kv, ns, accounts, initial);
        var opening = await kv.Transaction(ns)
            .Then([.. Enumerable.Range(0, accounts).Select(i => TransactionOp.Put(Account(i), initial.ToString(CultureInfo.InvariantCulture)))])
            .CommitAsync();
        Assert.True(opening.Succeeded);
        bank._clients = Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => bank.Client(c, new Random((c * 7919) + 17), bank._stop.Token))));
        return bank;
    }

    /// <summary>Starts the workload, lets it commit <paramref name="commits"/> transfers and answer some reads, and stops it.</summary>
    public static async Task<BankWorkload> RunAsync(IKeyValueStore kv, string ns, int accounts, long initial, int clients, int commits)
    {
        var bank = await StartAsync(kv, ns, accounts, initial, clients);
        await using (bank)
        {
            await bank.WaitForCommitsAsync(commits, $"{commits} transfers to commit");
            await Eventually.Until(() => bank.Reads >= 20, "20 full-balance reads to answer", TimeSpan.FromSeconds(120), () => bank.Summary);
            await bank.StopAsync();
        }

        return bank;
    }

    /// <summary>Waits (by outcome, generous timeout) until <paramref name="more"/> transfers beyond the ones committed now have committed.</summary>
    public async Task WaitForCommitsAsync(int more, string what)
    {
        var target = Committed + more;
        await Eventually.Until(() => Committed >= target, what, TimeSpan.FromSeconds(120), () => Summary);
    }

    /// <summary>Stops the clients, waits for all of them, then reads the final balances and resolves every unknown outcome.</summary>
    public async Task StopAsync()
    {
        await StopClientsAsync();

        // Balances and the receipts of every unknown transfer in one transaction, so an in-doubt transfer that
        // resolves meanwhile cannot make them disagree. Retried: after a fault a shard may answer only once
        // recovery of its prepared records is over; each attempt is bounded so one hung call cannot eat the budget.
        var unknown = _unknown.ToArray();
        Assert.True(Accounts + unknown.Length <= MaxOpsPerList, $"{unknown.Length} transfers ended with an unknown outcome; more than one read can resolve. {Summary}");
        var ops = Enumerable.Range(0, Accounts).Select(i => TransactionOp.Get(Account(i))).Concat(unknown.Select(t => TransactionOp.Get(t.Receipt))).ToArray();
        var started = DateTime.UtcNow;
        var results = await Eventually.Until(async ct =>
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(TimeSpan.FromSeconds(20));
                return (await _kv.Transaction(_ns).Then(ops).CommitAsync(attempt.Token)).Results;
            },
            _ => true,
            "the final balances and receipts",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(150), Interval = TimeSpan.FromMilliseconds(500), RetryOn = static _ => true, Describe = _ => Summary });
        FinalReadTook = DateTime.UtcNow - started;
        for (var i = 0; i < Accounts; i++)
        {
            Assert.True(results[i].Found, $"{Account(i)} is missing");
            Final[i] = Parse(results[i].Value!);
        }

        UnknownApplied = 0;
        for (var i = 0; i < unknown.Length; i++)
        {
            if (results[Accounts + i].Found)
            {
                UnknownApplied++;
                _appliedUnknown.Enqueue(unknown[i]);
            }
        }
    }

    /// <summary>
    /// Every read totals exactly the initial sum with no negative balance; every acknowledged transfer has its
    /// receipt and no aborted one has; the final balances equal the initial ones plus the acknowledged transfers and
    /// the unknown ones whose receipt exists.
    /// </summary>
    public async Task AssertConsistentAsync()
    {
        Assert.True(_violations.IsEmpty, string.Join(Environment.NewLine, _violations.Take(20)));
        Assert.True(_reads > 0, "no read completed");
        Assert.True(!_acknowledged.IsEmpty, "no transfer committed");

        var receipts = await ReceiptsExist([.. _acknowledged, .. _aborted]);
        var lost = _acknowledged.Where(t => !receipts[t.Receipt]).Take(10).ToList();
        Assert.True(lost.Count == 0, $"acknowledged transfers without a receipt (lost): {string.Join(", ", lost)}. {Summary}");
        var halfApplied = _aborted.Where(t => receipts[t.Receipt]).Take(10).ToList();
        Assert.True(halfApplied.Count == 0, $"transfers answered as aborted (retry-safe) that applied: {string.Join(", ", halfApplied)}. {Summary}");

        var expected = Enumerable.Range(0, Accounts).ToDictionary(i => i, _ => Initial);
        foreach (var (from, to, amount, _) in _acknowledged.Concat(_appliedUnknown))
        {
            expected[from] -= amount;
            expected[to] += amount;
        }

        Assert.True(expected.OrderBy(p => p.Key).SequenceEqual(Final.OrderBy(p => p.Key)),
            $"final balances [{string.Join(", ", Final.OrderBy(p => p.Key).Select(p => p.Value))}] are not the initial ones plus the applied transfers " +
            $"[{string.Join(", ", expected.OrderBy(p => p.Key).Select(p => p.Value))}]. {Summary}");
    }

    /// <summary>The silo (parsable address) hosting each account's shard now.</summary>
    public static async Task<IReadOnlyList<string>> AccountSilos(INamespaceAdmin admin, string ns, int accounts) =>
        await Task.WhenAll(Enumerable.Range(0, accounts).Select(async i => (await admin.LocateAsync(ns, Account(i))).Silo));

    public async ValueTask DisposeAsync()
    {
        await StopClientsAsync();
        _stop.Dispose();
    }

    private async Task StopClientsAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _clients;
    }

    private async Task<Dictionary<string, bool>> ReceiptsExist(IReadOnlyList<Transfer> transfers)
    {
        // Receipts never change once the clients stopped, so they may be read in several transactions.
        var found = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var chunk in transfers.Chunk(MaxOpsPerList))
        {
            var result = await Eventually.Until(
                ct => _kv.Transaction(_ns).Then([.. chunk.Select(t => TransactionOp.Get(t.Receipt))]).CommitAsync(ct),
                _ => true,
                "the receipts",
                new EventuallyOptions { Timeout = TimeSpan.FromSeconds(60), Interval = TimeSpan.FromMilliseconds(200), RetryOn = static _ => true });
            for (var i = 0; i < chunk.Length; i++)
            {
                found[chunk[i].Receipt] = result.Results[i].Found;
            }
        }

        return found;
    }

    private async Task Client(int client, Random random, CancellationToken stop)
    {
        for (var seq = 0; !stop.IsCancellationRequested; seq++)
        {
            if (random.Next(4) == 0)
            {
                await Read(stop);
                continue;
            }

            var from = random.Next(Accounts);
            var to = (from + 1 + random.Next(Accounts - 1)) % Accounts;
            var transfer = new Transfer(from, to, random.Next(1, 21), $"receipt-{client:D2}-{seq:D6}");
            try
            {
                var result = await _kv.Transaction(_ns)
                    .If(TransactionCompare.ValueOf(Account(from), TransactionCompareOp.GreaterOrEqual, transfer.Amount))
                    .Then(
                        TransactionOp.Add(Account(from), -transfer.Amount),
                        TransactionOp.Add(Account(to), transfer.Amount),
                        TransactionOp.Put(transfer.Receipt, $"{from}>{to}:{transfer.Amount}"))

                    // Not cancelled at stop: an abandoned call's transaction could still commit after the final read
                    // (seen once: a fresh cluster read one transfer more than the history). Stop waits for it instead.
                    .CommitAsync(CancellationToken.None);
                if (result.Succeeded)
                {
                    _acknowledged.Enqueue(transfer);
                }
                else
                {
                    Interlocked.Increment(ref _insufficient);
                    _aborted.Enqueue(transfer);
                }
            }
            catch (PlatformTransactionFailedException ex) when (ex.RetrySafe)
            {
                _aborted.Enqueue(transfer);
            }
            catch (Exception)
            {
                // Anything else (in doubt, a timeout, a silo lost mid-call): its receipt decides.
                _unknown.Enqueue(transfer);
            }
        }
    }

    private async Task Read(CancellationToken stop)
    {
        try
        {
            var result = await _kv.Transaction(_ns).Then([.. Enumerable.Range(0, Accounts).Select(i => TransactionOp.Get(Account(i)))]).CommitAsync(stop);
            Interlocked.Increment(ref _reads);
            var balances = result.Results.Where(r => r.Found).Select(r => Parse(r.Value!)).ToList();
            var total = balances.Sum();
            if (total != Initial * Accounts || balances.Any(b => b < 0) || balances.Count != Accounts)
            {
                _violations.Enqueue($"read saw total {total}: [{string.Join(", ", balances)}]");
            }
        }
        catch (Exception)
        {
            // A read that fails shows nothing; only reads that answer are checked.
            Interlocked.Increment(ref _failedReads);
        }
    }

    private static long Parse(byte[] value) => long.Parse(Encoding.UTF8.GetString(value), CultureInfo.InvariantCulture);

    private sealed record Transfer(int From, int To, long Amount, string Receipt);
}
