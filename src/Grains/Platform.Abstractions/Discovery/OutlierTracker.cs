namespace Platform.Discovery;

/// <summary>
/// Passive outlier detection over reported outcomes (Envoy's consecutive-5xx rule): <c>n</c> failures in a row eject
/// an instance for base × (times ejected), up to a maximum, and never more than a share of the instances at once.
/// A clean record for the longest ejection time forgets earlier ejections. Pure: the caller passes the clock.
/// </summary>
public sealed class OutlierTracker(int consecutiveFailures, TimeSpan baseEjection, TimeSpan maxEjection, int maxEjectionPercent)
{
    private readonly Dictionary<string, Record> _records = new(StringComparer.Ordinal);

    /// <summary>Records an outcome; true when it ejected the instance now.</summary>
    public bool Report(string id, bool success, DateTimeOffset now, int instanceCount)
    {
        if (!_records.TryGetValue(id, out var record))
        {
            record = new Record();
            _records[id] = record;
        }

        if (record.Ejections > 0 && record.LastFailure is { } lastFailure && now - lastFailure > maxEjection && (record.EjectedUntil is null || record.EjectedUntil <= now))
        {
            record.Ejections = 0;
        }

        if (success)
        {
            record.Failures = 0;
            return false;
        }

        record.LastFailure = now;
        record.Failures++;
        if (record.Failures < consecutiveFailures || IsEjected(id, now))
        {
            return false;
        }

        var ejectedNow = _records.Values.Count(r => r.EjectedUntil > now);
        if ((ejectedNow + 1) * 100 > maxEjectionPercent * Math.Max(1, instanceCount))
        {
            return false;
        }

        record.Ejections++;
        var length = TimeSpan.FromTicks(Math.Min(maxEjection.Ticks, baseEjection.Ticks * record.Ejections));
        record.EjectedUntil = now + length;
        record.Failures = 0;
        return true;
    }

    public bool IsEjected(string id, DateTimeOffset now) => _records.TryGetValue(id, out var r) && r.EjectedUntil > now;

    public DateTimeOffset? EjectedUntil(string id, DateTimeOffset now) =>
        _records.TryGetValue(id, out var r) && r.EjectedUntil > now ? r.EjectedUntil : null;

    /// <summary>Times the instance was ejected (since its record was last forgiven).</summary>
    public int Ejections(string id) => _records.TryGetValue(id, out var r) ? r.Ejections : 0;

    public void Forget(string id) => _records.Remove(id);

    /// <summary>The record of every instance ejected at least once (since forgiven), to be stored.</summary>
    public IEnumerable<(string Id, OutlierEjection Ejection)> Ejected() =>
        _records.Where(r => r.Value.Ejections > 0)
            .Select(r => (r.Key, new OutlierEjection { Count = r.Value.Ejections, EjectedUntil = r.Value.EjectedUntil, LastFailure = r.Value.LastFailure }));

    /// <summary>Takes back a stored record (a fresh tracker, as after the owner moved): the ejection and its count hold as before.</summary>
    public void Restore(string id, OutlierEjection ejection)
    {
        ArgumentNullException.ThrowIfNull(ejection);
        _records[id] = new Record { Ejections = ejection.Count, EjectedUntil = ejection.EjectedUntil, LastFailure = ejection.LastFailure };
    }

    private sealed class Record
    {
        public int Failures;
        public int Ejections;
        public DateTimeOffset? EjectedUntil;
        public DateTimeOffset? LastFailure;
    }
}
