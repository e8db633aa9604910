namespace Platform.Caches;

/// <summary>
/// The write-behind queue of one shard: one waiting write per key (a later write replaces the value and keeps the
/// due time, so a key written continuously still reaches the source every delay), at most one write per key in
/// flight (so an older value can never land after a newer one), bounded, failures retried with backoff (100 ms
/// doubling to 30 s) until the key's write is <c>maxAge</c> old, then dropped (the shard counts it). Pure: the shard
/// grain gives it the time.
/// </summary>
public sealed class WriteBehindBuffer(TimeSpan delay, int maxQueue, TimeSpan maxAge)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, WriteBehindWrite> _waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WriteBehindWrite> _inFlight = new(StringComparer.Ordinal);

    public int MaxQueue => maxQueue;

    /// <summary>Keys waiting or being written.</summary>
    public int Count => _waiting.Count + _inFlight.Count(p => !_waiting.ContainsKey(p.Key));

    public int Waiting => _waiting.Count;

    public int InFlight => _inFlight.Count;

    /// <summary>True when a write of <paramref name="key"/> would need a new place and there is none.</summary>
    public bool IsFull(string key) => !_waiting.ContainsKey(key) && !_inFlight.ContainsKey(key) && Count >= maxQueue;

    public void Enqueue(string key, byte[]? value, string? contentType, DateTimeOffset now)
    {
        // The age bound is on the key's oldest write not yet in the source: a write queued while an older one is in
        // flight takes that one's age, so a key rewritten all the time on a failing source is still dropped in time.
        var (due, oldest) = _waiting.TryGetValue(key, out var existing) ? (existing.DueAt, existing.OldestAt)
            : (now + delay, _inFlight.TryGetValue(key, out var flying) ? flying.OldestAt : now);
        _waiting[key] = new WriteBehindWrite { Key = key, Value = value, ContentType = contentType, DueAt = due, QueuedAt = existing?.QueuedAt ?? now, OldestAt = oldest };
    }

    /// <summary>The latest value of a key not yet confirmed by the source (waiting, else in flight); null when none.</summary>
    public WriteBehindWrite? Latest(string key) =>
        _waiting.TryGetValue(key, out var waiting) ? waiting : _inFlight.GetValueOrDefault(key);

    /// <summary>Up to <paramref name="max"/> due writes (every waiting one when <paramref name="all"/>), moved in flight.</summary>
    public IReadOnlyList<WriteBehindWrite> TakeDue(DateTimeOffset now, int max, bool all = false)
    {
        var taken = _waiting.Values
            .Where(w => (all || w.DueAt <= now) && !_inFlight.ContainsKey(w.Key))
            .OrderBy(w => w.DueAt)
            .Take(max)
            .ToList();
        foreach (var write in taken)
        {
            _waiting.Remove(write.Key);
            _inFlight[write.Key] = write;
        }

        return taken;
    }

    public void Complete(WriteBehindWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        _inFlight.Remove(write.Key);
        if (_waiting.TryGetValue(write.Key, out var next))
        {
            _waiting[write.Key] = next with { OldestAt = next.QueuedAt }; // the older value is in: the age counts from this one
        }
    }

    /// <summary>
    /// A failed write waits again with backoff, unless a newer write of its key is already waiting (it carries the
    /// latest value), or the key's oldest write not yet in the source was queued <c>maxAge</c> ago or more: then it is dropped, and the answer is true.
    /// </summary>
    public bool Fail(WriteBehindWrite write, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(write);
        _inFlight.Remove(write.Key);
        if (_waiting.ContainsKey(write.Key))
        {
            return false;
        }

        if (now - write.OldestAt >= maxAge)
        {
            return true;
        }

        var backoff = TimeSpan.FromTicks(Math.Min(LastRetry.Ticks, FirstRetry.Ticks << Math.Min(write.Attempts, 20)));
        _waiting[write.Key] = write with { DueAt = now + backoff, Attempts = write.Attempts + 1 };
        return false;
    }
}
