using System.Diagnostics;
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
    private readonly Counter<long> _grants;
    private readonly Counter<long> _waits;
    private readonly Counter<long> _expiries;
    private readonly Histogram<double> _handover;
    private readonly LabelNames _names = new();

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public LockMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(PlatformMeter.Name);
        _grants = meter.CreateCounter<long>("platform.locks.grants", "{grant}", "Leases granted (locks, semaphore permits, election terms).");
        _waits = meter.CreateCounter<long>("platform.locks.waits", "{request}", "Acquire requests that joined the queue.");
        _expiries = meter.CreateCounter<long>("platform.locks.expiries", "{lease}", "Leases that ran out without a release.");
        _handover = meter.CreateHistogram<double>("platform.locks.handover.duration", "s", "Time a queued request waited until it was granted.");
    }

    /// <summary>One lease granted; <paramref name="waited"/> is null when granted without queueing.</summary>
    public void Granted(LeaseKind kind, string name, TimeSpan? waited)
    {
        var tags = Tags(kind, name);
        if (waited is { } w)
        {
            _handover.Record(w.TotalSeconds, tags);
        }

        tags.Add("path", waited is null ? "immediate" : "queued");
        _grants.Add(1, tags);
    }

    /// <summary>One acquire request queued.</summary>
    public void Queued(LeaseKind kind, string name) => _waits.Add(1, Tags(kind, name));

    /// <summary><paramref name="count"/> leases expired.</summary>
    public void Expired(LeaseKind kind, string name, int count)
    {
        if (count > 0)
        {
            _expiries.Add(count, Tags(kind, name));
        }
    }

    private TagList Tags(LeaseKind kind, string name) => new() { { "kind", kind.ToString().ToLowerInvariant() }, { "lock", _names.Of(name) } };
}
