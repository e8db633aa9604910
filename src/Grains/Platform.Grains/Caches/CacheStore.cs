using System.Text;

namespace Platform.Caches;

/// <summary>
/// The entries of one cache shard and their exact eviction order: a sorted set by last use (LRU) or by use count then
/// last use (LFU), an expiry index and a tag index. Every operation is O(log n) but prefix invalidation (a scan).
/// Pure: the shard grain gives it the time; tested without a cluster.
/// </summary>
public sealed class CacheStore
{
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly SortedSet<Slot> _order;
    private readonly SortedSet<Slot> _expiry = new(ExpiryComparer.Instance);
    private readonly Dictionary<string, HashSet<string>> _tags = new(StringComparer.Ordinal);
    private long _clock;

    public CacheStore(long capacityEntries, long? capacityBytes, CacheEviction eviction)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityEntries, 1);
        CapacityEntries = capacityEntries;
        CapacityBytes = capacityBytes;
        Eviction = eviction;
        _order = new SortedSet<Slot>(eviction == CacheEviction.Lfu ? LfuComparer.Instance : LruComparer.Instance);
    }

    public long CapacityEntries { get; }

    public long? CapacityBytes { get; }

    public CacheEviction Eviction { get; }

    public int Count => _slots.Count;

    public long Bytes { get; private set; }

    public long Evictions { get; private set; }

    public long Expirations { get; private set; }

    /// <summary>The bytes an entry takes against <see cref="CapacityBytes"/>: its key, value, content type and tags.</summary>
    public static long SizeOf(string key, int valueBytes, string? contentType, IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(tags);
        long size = Encoding.UTF8.GetByteCount(key) + valueBytes + (contentType?.Length ?? 0);
        foreach (var tag in tags)
        {
            size += tag.Length;
        }

        return size;
    }

    /// <summary>The entry, counted as a use (moves it in the eviction order, extends a sliding expiry); null when absent or expired.</summary>
    public CacheEntry? Get(string key, DateTimeOffset now)
    {
        Expire(now);
        if (!_slots.TryGetValue(key, out var slot))
        {
            return null;
        }

        Use(slot, now);
        return slot.Answer(now);
    }

    /// <summary>The entry without counting a use; null when absent or expired.</summary>
    public CacheEntry? Peek(string key, DateTimeOffset now)
    {
        Expire(now);
        return _slots.TryGetValue(key, out var slot) ? slot.Answer(now) : null;
    }

    /// <summary>Moves a sliding entry's expiry as a read would; false when absent.</summary>
    public bool Touch(string key, DateTimeOffset now)
    {
        Expire(now);
        if (!_slots.TryGetValue(key, out var slot))
        {
            return false;
        }

        Use(slot, now);
        return true;
    }

    /// <summary>
    /// Stores an entry (a rewrite keeps the key's use count and counts one more), then evicts in order until the shard
    /// is within capacity; answers the evicted keys. The new entry itself is never evicted by its own set.
    /// </summary>
    public IReadOnlyList<string> Set(CacheEntry entry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Expire(now);
        long uses = 1;
        if (_slots.TryGetValue(entry.Key, out var old))
        {
            uses = old.Uses + 1;
            Detach(old);
        }

        var slot = new Slot(entry, SizeOf(entry.Key, entry.Value.Length, entry.ContentType, entry.Tags))
        {
            Uses = uses,
            LastUse = ++_clock,
            ExpiresAt = entry.ExpiresAt,
        };
        Attach(slot);

        List<string>? evicted = null;
        while (_slots.Count > CapacityEntries || (CapacityBytes is { } max && Bytes > max && _slots.Count > 1))
        {
            var victim = _order.Min!;
            if (ReferenceEquals(victim, slot))
            {
                // Only the new entry is left at the bottom (it alone is over the byte bound): the next one goes instead.
                victim = _order.Skip(1).FirstOrDefault();
                if (victim is null)
                {
                    break;
                }
            }

            Detach(victim);
            Evictions++;
            (evicted ??= []).Add(victim.Entry.Key);
        }

        return evicted ?? (IReadOnlyList<string>)[];
    }

    public bool Remove(string key)
    {
        if (!_slots.TryGetValue(key, out var slot))
        {
            return false;
        }

        Detach(slot);
        return true;
    }

    /// <summary>Removes every entry carrying <paramref name="tag"/>; answers their keys.</summary>
    public IReadOnlyList<string> RemoveTag(string tag)
    {
        if (!_tags.TryGetValue(tag, out var keys))
        {
            return [];
        }

        var removed = keys.ToList();
        foreach (var key in removed)
        {
            Remove(key);
        }

        return removed;
    }

    /// <summary>Removes every key starting with <paramref name="prefix"/> (a scan of the shard); answers them.</summary>
    public IReadOnlyList<string> RemovePrefix(string prefix)
    {
        var removed = _slots.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        foreach (var key in removed)
        {
            Remove(key);
        }

        return removed;
    }

    public void Clear()
    {
        _slots.Clear();
        _order.Clear();
        _expiry.Clear();
        _tags.Clear();
        Bytes = 0;
    }

    /// <summary>Keys in eviction order, the next victim first (for tests and diagnostics).</summary>
    public IReadOnlyList<string> EvictionOrder() => [.. _order.Select(s => s.Entry.Key)];

    /// <summary>Drops every entry expired at <paramref name="now"/>; answers how many.</summary>
    public int Expire(DateTimeOffset now)
    {
        var count = 0;
        while (_expiry.Min is { } first && first.ExpiresAt <= now)
        {
            Detach(first);
            Expirations++;
            count++;
        }

        return count;
    }

    private void Use(Slot slot, DateTimeOffset now)
    {
        _order.Remove(slot);
        slot.Uses++;
        slot.LastUse = ++_clock;
        _order.Add(slot);
        if (slot.Entry.SlidingMs is { } sliding)
        {
            var next = now.AddMilliseconds(sliding);
            if (slot.Entry.AbsoluteExpiresAt is { } absolute && absolute < next)
            {
                next = absolute;
            }

            _expiry.Remove(slot);
            slot.ExpiresAt = next;
            _expiry.Add(slot);
        }
    }

    private void Attach(Slot slot)
    {
        slot.Id = ++_clock;
        _slots[slot.Entry.Key] = slot;
        _order.Add(slot);
        if (slot.ExpiresAt is not null)
        {
            _expiry.Add(slot);
        }

        foreach (var tag in slot.Entry.Tags)
        {
            if (!_tags.TryGetValue(tag, out var keys))
            {
                _tags[tag] = keys = new HashSet<string>(StringComparer.Ordinal);
            }

            keys.Add(slot.Entry.Key);
        }

        Bytes += slot.Size;
    }

    private void Detach(Slot slot)
    {
        _slots.Remove(slot.Entry.Key);
        _order.Remove(slot);
        if (slot.ExpiresAt is not null)
        {
            _expiry.Remove(slot);
        }

        foreach (var tag in slot.Entry.Tags)
        {
            if (_tags.TryGetValue(tag, out var keys))
            {
                keys.Remove(slot.Entry.Key);
                if (keys.Count == 0)
                {
                    _tags.Remove(tag);
                }
            }
        }

        Bytes -= slot.Size;
    }

    private sealed class Slot(CacheEntry entry, long size)
    {
        public CacheEntry Entry { get; } = entry;

        public long Size { get; } = size;

        public long Id { get; set; }

        public long Uses { get; set; }

        public long LastUse { get; set; }

        public DateTimeOffset? ExpiresAt { get; set; }

        public CacheEntry Answer(DateTimeOffset now) => Entry with { Uses = Uses, ExpiresAt = ExpiresAt, ReadAt = now };
    }

    private sealed class LruComparer : IComparer<Slot>
    {
        public static readonly LruComparer Instance = new();

        public int Compare(Slot? x, Slot? y) => x!.LastUse.CompareTo(y!.LastUse);
    }

    private sealed class LfuComparer : IComparer<Slot>
    {
        public static readonly LfuComparer Instance = new();

        public int Compare(Slot? x, Slot? y) => x!.Uses != y!.Uses ? x.Uses.CompareTo(y.Uses) : x.LastUse.CompareTo(y.LastUse);
    }

    private sealed class ExpiryComparer : IComparer<Slot>
    {
        public static readonly ExpiryComparer Instance = new();

        public int Compare(Slot? x, Slot? y)
        {
            var byTime = Nullable.Compare(x!.ExpiresAt, y!.ExpiresAt);
            return byTime != 0 ? byTime : x.Id.CompareTo(y.Id);
        }
    }
}
