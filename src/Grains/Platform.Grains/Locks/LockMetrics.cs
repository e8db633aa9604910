using System.Diagnostics.Metrics;
using Platform.Telemetry;

namespace Platform.Locks;

/// <summary>
/// The locks block's instruments (labels <c>kind</c> and <c>lock</c>, the lease's name): grants
/// (<c>platform.locks.grants</c>, <c>path</c> immediate or queued), requests that had to wait
/// (<c>platform.locks.waits</c>), the time a queued request waited until handed the lease
/// (<c>platform.locks.handover.duration</c>) and leases that ran out unreleased (<c>platform.locks.expiries</c>).
/// </summary>
public sealed class LockMetrics
{
    private readonly NamedCounter _grants;
    private readonly NamedCounter _waits;
    private readonly NamedCounter _expiries;
    private readonly NamedHistogram<double> _handover;

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public LockMetrics(IMeterFactory meters)
    {
        var locks = new BlockInstruments(meters, "locks", "lock");
        _grants = locks.Counter("grants", "{grant}", "Leases granted (locks, semaphore permits, election terms).");
        _waits = locks.Counter("waits", "{request}", "Acquire requests that joined the queue.");
        _expiries = locks.Counter("expiries", "{lease}", "Leases that ran out without a release.");
        _handover = locks.Seconds("handover.duration", "Time a queued request waited until it was granted.");
    }

    /// <summary>One lease granted; <paramref name="waited"/> is null when granted without queueing.</summary>
    public void Granted(LeaseKind kind, string name, TimeSpan? waited)
    {
        if (waited is { } w)
        {
            _handover.Record(name, w.TotalSeconds, Kind(kind));
        }

        _grants.Add(name, 1, Kind(kind), ("path", waited is null ? "immediate" : "queued"));
    }

    /// <summary>One acquire request queued.</summary>
    public void Queued(LeaseKind kind, string name) => _waits.Add(name, 1, Kind(kind));

    /// <summary><paramref name="count"/> leases expired.</summary>
    public void Expired(LeaseKind kind, string name, int count) => _expiries.Add(name, count, Kind(kind));

    // Literals rather than ToString().ToLowerInvariant(): no string allocated per measurement.
    private static (string, string) Kind(LeaseKind kind) => ("kind", kind switch
    {
        LeaseKind.Lock => "lock",
        LeaseKind.Semaphore => "semaphore",
        LeaseKind.Election => "election",
        _ => kind.ToString().ToLowerInvariant(),
    });
}
