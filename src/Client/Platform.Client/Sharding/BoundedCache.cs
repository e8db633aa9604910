using System.Collections.Concurrent;

namespace Platform.Sharding;

/// <summary>
/// A cache of at most <see cref="Capacity"/> entries that drops the least recently used one to make room. A hit takes
/// no lock (it stamps the entry from one interlocked counter of this cache); adds, removals and evictions take one
/// lock, so the count never exceeds the capacity. An eviction scans the entries (O(capacity)); it runs only when an
/// add finds the cache full, and an add follows a miss, which already cost a grain call or building a ring.
/// </summary>
internal sealed class BoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries;
    private readonly Lock _gate = new();
    private int _count;
    private long _clock;

    public BoundedCache(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _entries = new ConcurrentDictionary<TKey, Entry>(comparer);
    }

    public int Capacity { get; }

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            entry.Touch(Tick());
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>The cached value, or <paramref name="create"/>'s (run outside the lock; a race may run it twice, one value is kept).</summary>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create)
    {
        if (TryGet(key, out var value))
        {
            return value;
        }

        var created = create(key);
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var raced))
            {
                raced.Touch(Tick());
                return raced.Value;
            }

            AddLocked(key, created);
            return created;
        }
    }

    /// <summary>Adds or replaces the entry for <paramref name="key"/>.</summary>
    public void Set(TKey key, TValue value)
    {
        lock (_gate)
        {
            if (_entries.ContainsKey(key))
            {
                _entries[key] = new Entry(value, Tick());
                return;
            }

            AddLocked(key, value);
        }
    }

    public void Remove(TKey key)
    {
        lock (_gate)
        {
            if (_entries.TryRemove(key, out _))
            {
                _count--;
            }
        }
    }

    private void AddLocked(TKey key, TValue value)
    {
        while (_count >= Capacity && EvictOldestLocked())
        {
        }

        _entries[key] = new Entry(value, Tick());
        _count++;
    }

    private bool EvictOldestLocked()
    {
        var oldest = default(KeyValuePair<TKey, Entry>?);
        foreach (var pair in _entries)
        {
            if (oldest is null || pair.Value.LastUsed < oldest.Value.Value.LastUsed)
            {
                oldest = pair;
            }
        }

        if (oldest is { } victim && _entries.TryRemove(victim.Key, out _))
        {
            _count--;
            return true;
        }

        return false;
    }

    private long Tick() => Interlocked.Increment(ref _clock);

    private sealed class Entry(TValue value, long used)
    {
        private long _lastUsed = used;

        public TValue Value { get; } = value;

        public long LastUsed => Volatile.Read(ref _lastUsed);

        public void Touch(long used) => Volatile.Write(ref _lastUsed, used);
    }
}
