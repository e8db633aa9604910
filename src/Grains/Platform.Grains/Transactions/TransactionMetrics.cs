using System.Diagnostics.Metrics;
using Orleans.Transactions;
using Platform.Errors;
using Platform.Sharding;
using Platform.Telemetry;

namespace Platform.Transactions;

/// <summary>
/// The transactions block's instruments (label <c>namespace</c>): committed transactions
/// (<c>platform.txn.commits</c>, <c>branch</c> success or failure: which list ran after the compares), aborted
/// ones (<c>platform.txn.aborts</c>, <c>reason</c>: conflict, op_failed, unavailable, timeout, in_doubt), the
/// conflicts among them (<c>platform.txn.conflicts</c>) and the time from the coordinator's start to the commit or
/// abort (<c>platform.txn.duration</c>); and the transactional shards active on this silo, their live keys and
/// value bytes (<c>platform.txn.shards</c>, <c>platform.txn.shard.keys</c>, <c>platform.txn.shard.bytes</c>).
/// </summary>
public sealed class TransactionMetrics
{
    private readonly NamedCounter _commits;
    private readonly NamedCounter _aborts;
    private readonly NamedCounter _conflicts;
    private readonly NamedHistogram<double> _duration;
    private readonly ShardGauges _shards;

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public TransactionMetrics(IMeterFactory meters)
    {
        var txn = new BlockInstruments(meters, "txn", "namespace");
        _commits = txn.Counter("commits", "{transaction}", "Transactions committed, by the branch that ran.");
        _aborts = txn.Counter("aborts", "{transaction}", "Transactions aborted (nothing applied, unless in doubt), by reason.");
        _conflicts = txn.Counter("conflicts", "{transaction}", "Transactions aborted because they conflicted with a concurrent one.");
        _duration = txn.Seconds("duration", "Time a transaction took from its start to its commit or abort.");
        _shards = txn.ShardGauges("transactional shards", "shards");
    }

    /// <summary>The abort reason label of <paramref name="exception"/>, or null when it is not a transaction's failure.</summary>
    public static string? AbortReason(Exception exception) => exception switch
    {
        OrleansTransactionInDoubtException => "in_doubt",
        OrleansTransactionException o when o.GetType().Name.Contains("Timeout", StringComparison.Ordinal) => "timeout",
        OrleansTransactionAbortedException a when Find<PlatformException>(a) is { Kind: PlatformErrorKind.Unavailable } => "unavailable",
        OrleansTransactionAbortedException a when Find<TransactionOpFailedException>(a) is not null || Find<PlatformException>(a) is not null => "op_failed",
        OrleansTransactionAbortedException => "conflict",
        OrleansTransactionException => "unavailable",
        PlatformException { Kind: PlatformErrorKind.Unavailable } => "unavailable",
        TimeoutException => "timeout",
        _ => null,
    };

    /// <summary>One transaction committed.</summary>
    public void Committed(string ns, bool succeeded, TimeSpan elapsed)
    {
        _duration.Record(ns, elapsed.TotalSeconds);
        _commits.Add(ns, 1, ("branch", succeeded ? "success" : "failure"));
    }

    /// <summary>One transaction aborted for <paramref name="reason"/>.</summary>
    public void Aborted(string ns, string reason, TimeSpan elapsed)
    {
        _duration.Record(ns, elapsed.TotalSeconds);
        if (reason == "conflict")
        {
            _conflicts.Add(ns);
        }

        _aborts.Add(ns, 1, ("reason", reason));
    }

    /// <summary>
    /// A transactional shard's figures as its latest read or write saw them (a write's before its transaction
    /// commits: an aborted one's stand until the shard's next operation).
    /// </summary>
    public void ShardFigures(ShardId shard, long keys, long bytes) => _shards.Report(shard.ToGrainKey(), shard.Namespace, keys, bytes);

    /// <summary>A transactional shard left this silo.</summary>
    public void ShardRemoved(ShardId shard) => _shards.Remove(shard.ToGrainKey());

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
