namespace Platform.Replication.Raft;

/// <summary>
/// A node's log in memory: the entries after its snapshot, (<see cref="SnapshotIndex"/>, <see cref="LastIndex"/>],
/// and how far storage has them (<see cref="StableIndex"/>). Indexes start at 1; index 0 (term 0) is the empty
/// log every group starts from.
/// </summary>
public sealed class RaftLog
{
    // _entries[i].Index == SnapshotIndex + 1 + i.
    private readonly List<LogEntry> _entries = [];

    public long SnapshotIndex { get; private set; }

    public long SnapshotTerm { get; private set; }

    public long LastIndex => SnapshotIndex + _entries.Count;

    public long LastTerm => _entries.Count > 0 ? _entries[^1].Term : SnapshotTerm;

    /// <summary>Entries up to here are in storage; later ones are handed out by the next Ready.</summary>
    public long StableIndex { get; private set; }

    /// <summary>Entries in memory (after the snapshot).</summary>
    public int Count => _entries.Count;

    /// <summary>The term of the entry at <paramref name="index"/>; null when compacted away or not there.</summary>
    public long? TermAt(long index)
    {
        if (index == SnapshotIndex)
        {
            return SnapshotTerm;
        }

        return index > SnapshotIndex && index <= LastIndex ? _entries[(int)(index - SnapshotIndex - 1)].Term : null;
    }

    /// <summary>True when this log has an entry at <paramref name="index"/> with <paramref name="term"/>.</summary>
    public bool Matches(long index, long term) => TermAt(index) == term;

    public LogEntry At(long index) =>
        index > SnapshotIndex && index <= LastIndex
            ? _entries[(int)(index - SnapshotIndex - 1)]
            : throw new ArgumentOutOfRangeException(nameof(index), $"Entry {index} is not in the log ({SnapshotIndex}, {LastIndex}].");

    /// <summary>Entries [from, to], at most <paramref name="maxCount"/> and about <paramref name="maxBytes"/> (at least one).</summary>
    public List<LogEntry> Slice(long from, long to, int maxCount, long maxBytes)
    {
        var slice = new List<LogEntry>();
        long bytes = 0;
        for (var i = Math.Max(from, SnapshotIndex + 1); i <= Math.Min(to, LastIndex) && slice.Count < maxCount; i++)
        {
            var entry = At(i);
            if (slice.Count > 0 && bytes + entry.Size > maxBytes)
            {
                break;
            }

            slice.Add(entry);
            bytes += entry.Size;
        }

        return slice;
    }

    /// <summary>The entries storage does not have yet.</summary>
    public List<LogEntry> Unstable() => Slice(StableIndex + 1, LastIndex, int.MaxValue, long.MaxValue);

    public void Append(LogEntry entry)
    {
        if (entry.Index != LastIndex + 1)
        {
            throw new InvalidOperationException($"Entry {entry.Index} does not follow {LastIndex}.");
        }

        _entries.Add(entry);
    }

    /// <summary>Drops every entry from <paramref name="index"/> on (a conflicting suffix).</summary>
    public void TruncateFrom(long index)
    {
        if (index <= SnapshotIndex)
        {
            throw new InvalidOperationException($"Cannot truncate at {index}: entries up to {SnapshotIndex} are in the snapshot.");
        }

        if (index > LastIndex)
        {
            return;
        }

        _entries.RemoveRange((int)(index - SnapshotIndex - 1), (int)(LastIndex - index + 1));
        StableIndex = Math.Min(StableIndex, index - 1);
    }

    /// <summary>Storage now holds entries up to <paramref name="index"/> (if that entry is still the one with <paramref name="term"/>).</summary>
    public void StableTo(long index, long term)
    {
        if (index > StableIndex && TermAt(index) == term)
        {
            StableIndex = index;
        }
    }

    /// <summary>Drops the entries up to <paramref name="index"/>, which a snapshot now covers.</summary>
    public void CompactTo(long index)
    {
        if (index <= SnapshotIndex)
        {
            return;
        }

        var term = TermAt(index) ?? throw new InvalidOperationException($"Cannot compact to {index}: not in the log ({SnapshotIndex}, {LastIndex}].");
        _entries.RemoveRange(0, (int)(index - SnapshotIndex));
        SnapshotIndex = index;
        SnapshotTerm = term;
        StableIndex = Math.Max(StableIndex, index);
    }

    /// <summary>Replaces the whole log by a snapshot's position (an installed snapshot, or a restart from one).</summary>
    public void ResetTo(long index, long term)
    {
        _entries.Clear();
        SnapshotIndex = index;
        SnapshotTerm = term;
        StableIndex = index;
    }

    /// <summary>Marks the whole log as stored (a restart from storage).</summary>
    public void MarkAllStable() => StableIndex = LastIndex;
}
