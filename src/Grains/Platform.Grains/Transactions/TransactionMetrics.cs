using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orleans.Transactions;
using Platform.Errors;
using Platform.Telemetry;

namespace Platform.Transactions;

/// <summary>
/// The transactions block's instruments (label <c>namespace</c>): committed transactions
/// (<c>platform.txn.commits</c>, <c>branch</c> success or failure: which list ran after the compares), aborted
/// ones (<c>platform.txn.aborts</c>, <c>reason</c>: conflict, op_failed, unavailable, timeout, in_doubt), the
/// conflicts among them (<c>platform.txn.conflicts</c>) and the time from the coordinator's start to the commit or
/// abort (<c>platform.txn.duration</c>).
/// </summary>
public sealed class TransactionMetrics
{
    private readonly Counter<long> _commits;
    private readonly Counter<long> _aborts;
    private readonly Counter<long> _conflicts;
    private readonly Histogram<double> _duration;
    private readonly LabelNames _names = new();

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public TransactionMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(PlatformMeter.Name);
        _commits = meter.CreateCounter<long>("platform.txn.commits", "{transaction}", "Transactions committed, by the branch that ran.");
        _aborts = meter.CreateCounter<long>("platform.txn.aborts", "{transaction}", "Transactions aborted (nothing applied, unless in doubt), by reason.");
        _conflicts = meter.CreateCounter<long>("platform.txn.conflicts", "{transaction}", "Transactions aborted because they conflicted with a concurrent one.");
        _duration = meter.CreateHistogram<double>("platform.txn.duration", "s", "Time a transaction took from its start to its commit or abort.");
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
        var tags = new TagList { { "namespace", _names.Of(ns) } };
        _duration.Record(elapsed.TotalSeconds, tags);
        tags.Add("branch", succeeded ? "success" : "failure");
        _commits.Add(1, tags);
    }

    /// <summary>One transaction aborted for <paramref name="reason"/>.</summary>
    public void Aborted(string ns, string reason, TimeSpan elapsed)
    {
        var tags = new TagList { { "namespace", _names.Of(ns) } };
        _duration.Record(elapsed.TotalSeconds, tags);
        if (reason == "conflict")
        {
            _conflicts.Add(1, tags);
        }

        tags.Add("reason", reason);
        _aborts.Add(1, tags);
    }

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
