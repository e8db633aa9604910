namespace Platform.Replication.MultiLeader;

/// <summary>
/// Keys one replica still has to send to one other replica: multi-leader updates not yet confirmed, or quorum hints
/// for a replica that missed a write. Bounded (a key over <see cref="Capacity"/> is refused and counted as dropped;
/// anti-entropy covers it), each key with an expiry, re-adding a key keeps one entry with the later sequence, and
/// <see cref="Confirm"/> removes a key only if it was not re-added since it was taken. Not thread-safe.
/// </summary>
public sealed class OutgoingKeys(int capacity)
{
    private readonly Dictionary<string, (long Seq, long ExpiresAtMs)> _keys = new(StringComparer.Ordinal);
    private long _seq;

    public int Capacity => capacity;

    public int Count => _keys.Count;

    public long Dropped { get; private set; }

    public long Expired { get; private set; }

    /// <summary>Queues a key until <paramref name="expiresAtMs"/>; false (counted in <see cref="Dropped"/>) when full.</summary>
    public bool Add(string key, long expiresAtMs)
    {
        if (!_keys.ContainsKey(key) && _keys.Count >= capacity)
        {
            Dropped++;
            return false;
        }

        _keys[key] = (++_seq, expiresAtMs);
        return true;
    }

    /// <summary>Up to <paramref name="max"/> keys to send now, with the sequence each had; expired keys are dropped first.</summary>
    public IReadOnlyList<(string Key, long Seq)> Take(int max, long nowMs)
    {
        var expired = _keys.Where(k => k.Value.ExpiresAtMs <= nowMs).Select(k => k.Key).ToList();
        foreach (var key in expired)
        {
            _keys.Remove(key);
        }

        Expired += expired.Count;
        return [.. _keys.Take(max).Select(k => (k.Key, k.Value.Seq))];
    }

    /// <summary>The other replica holds these keys (as they were when taken): forget them unless re-added since.</summary>
    public int Confirm(IEnumerable<(string Key, long Seq)> sent)
    {
        var confirmed = 0;
        foreach (var (key, seq) in sent)
        {
            if (_keys.TryGetValue(key, out var held) && held.Seq == seq)
            {
                _keys.Remove(key);
                confirmed++;
            }
        }

        return confirmed;
    }

    /// <summary>The sequence a key is queued with (null: not queued).</summary>
    public long? SeqOf(string key) => _keys.TryGetValue(key, out var held) ? held.Seq : null;

    public void Clear() => _keys.Clear();
}
