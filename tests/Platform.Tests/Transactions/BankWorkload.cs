using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Testing.Waiting;
using Platform.Transactions;

namespace Platform.Tests.Transactions;

/// <summary>
/// Jepsen's bank workload over the typed client: random transfers guarded by a balance comparison, and reads of all
/// balances in one transaction. Records every outcome so the history can be checked afterwards.
/// </summary>
internal sealed class BankWorkload
{
    private readonly ConcurrentQueue<(int From, int To, long Amount)> _acknowledged = new();
    private readonly ConcurrentQueue<(int From, int To, long Amount)> _unknown = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly Dictionary<int, long> _final = [];
    private int _insufficient;
    private int _aborted;
    private int _reads;
    private int _failedReads;

    private BankWorkload(int accounts, long initial)
    {
        Accounts = accounts;
        Initial = initial;
    }

    public int Accounts { get; }

    public long Initial { get; }

    /// <summary>The balances read after the run.</summary>
    public Dictionary<int, long> Final => _final;

    public string Summary =>
        $"transfers committed {_acknowledged.Count}, refused for balance {_insufficient}, aborted {_aborted}, unknown {_unknown.Count}; " +
        $"reads {_reads} (failed {_failedReads}); final [{string.Join(", ", _final.OrderBy(p => p.Key).Select(p => p.Value))}]";

    public static string Account(int i) => $"account-{i:D2}";

    public static async Task<BankWorkload> Run(IKeyValueStore kv, string ns, int accounts, long initial, int clients, TimeSpan duration)
    {
        var bank = new BankWorkload(accounts, initial);
        var opening = await kv.Transaction(ns)
            .Then([.. Enumerable.Range(0, accounts).Select(i => TransactionOp.Put(Account(i), initial.ToString(CultureInfo.InvariantCulture)))])
            .CommitAsync();
        Assert.True(opening.Succeeded);

        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => bank.Client(kv, ns, new Random(c * 7919 + 17), stop.Token))));

        // Final balances, read as one transaction (retried: a read aborts only on contention, which is over now).
        var balances = await Eventually.Until(_ => bank.ReadAll(kv, ns), _ => true, "the final balances",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(30), Interval = TimeSpan.FromMilliseconds(500), RetryOn = static _ => true });
        foreach (var (account, balance) in balances)
        {
            bank._final[account] = balance;
        }

        return bank;
    }

    /// <summary>Every read totals exactly the initial sum with no negative balance; the final balances equal the initial ones plus the acknowledged transfers.</summary>
    public void AssertConsistent()
    {
        Assert.True(_violations.IsEmpty, string.Join(Environment.NewLine, _violations.Take(20)));
        Assert.True(_reads > 0, "no read completed");
        Assert.True(!_acknowledged.IsEmpty, "no transfer committed");

        var expected = Expected(_acknowledged);
        var unknown = _unknown.ToArray();
        if (unknown.Length == 0)
        {
            Assert.Equal(expected.OrderBy(p => p.Key), _final.OrderBy(p => p.Key));
            return;
        }

        // Transfers with an unknown outcome may or may not have applied: some subset of them must explain the balances.
        Assert.True(unknown.Length <= 16, $"{unknown.Length} transfers ended with an unknown outcome; too many to check. {Summary}");
        for (var mask = 0; mask < 1 << unknown.Length; mask++)
        {
            var candidate = new Dictionary<int, long>(expected);
            for (var i = 0; i < unknown.Length; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    candidate[unknown[i].From] -= unknown[i].Amount;
                    candidate[unknown[i].To] += unknown[i].Amount;
                }
            }

            if (candidate.All(p => _final[p.Key] == p.Value))
            {
                return;
            }
        }

        Assert.Fail($"The final balances match no outcome of the unknown transfers. {Summary}");
    }

    private Dictionary<int, long> Expected(IEnumerable<(int From, int To, long Amount)> transfers)
    {
        var balances = Enumerable.Range(0, Accounts).ToDictionary(i => i, _ => Initial);
        foreach (var (from, to, amount) in transfers)
        {
            balances[from] -= amount;
            balances[to] += amount;
        }

        return balances;
    }

    private async Task Client(IKeyValueStore kv, string ns, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (random.Next(4) == 0)
            {
                await Read(kv, ns);
                continue;
            }

            var from = random.Next(Accounts);
            var to = (from + 1 + random.Next(Accounts - 1)) % Accounts;
            long amount = random.Next(1, 21);
            try
            {
                var result = await kv.Transaction(ns)
                    .If(TransactionCompare.ValueOf(Account(from), TransactionCompareOp.GreaterOrEqual, amount))
                    .Then(TransactionOp.Add(Account(from), -amount), TransactionOp.Add(Account(to), amount))
                    .CommitAsync(CancellationToken.None);
                if (result.Succeeded)
                {
                    _acknowledged.Enqueue((from, to, amount));
                }
                else
                {
                    Interlocked.Increment(ref _insufficient);
                }
            }
            catch (PlatformTransactionFailedException ex) when (ex.RetrySafe)
            {
                Interlocked.Increment(ref _aborted);
            }
            catch (Exception)
            {
                // Anything else (in doubt, a timeout, a silo lost mid-call): the transfer may or may not have applied.
                _unknown.Enqueue((from, to, amount));
            }
        }
    }

    private async Task Read(IKeyValueStore kv, string ns)
    {
        try
        {
            var balances = await ReadAll(kv, ns);
            Interlocked.Increment(ref _reads);
            var total = balances.Values.Sum();
            if (total != Initial * Accounts || balances.Values.Any(b => b < 0) || balances.Count != Accounts)
            {
                _violations.Enqueue($"read saw total {total}: [{string.Join(", ", balances.OrderBy(p => p.Key).Select(p => p.Value))}]");
            }
        }
        catch (Exception)
        {
            // A read that fails shows nothing; only reads that answer are checked.
            Interlocked.Increment(ref _failedReads);
        }
    }

    private async Task<Dictionary<int, long>> ReadAll(IKeyValueStore kv, string ns)
    {
        var result = await kv.Transaction(ns).Then([.. Enumerable.Range(0, Accounts).Select(i => TransactionOp.Get(Account(i)))]).CommitAsync();
        return result.Results
            .Select((r, i) => (i, r))
            .Where(x => x.r.Found)
            .ToDictionary(x => x.i, x => long.Parse(Encoding.UTF8.GetString(x.r.Value!), CultureInfo.InvariantCulture));
    }
}
