namespace Platform.EventLog.Storage;

/// <summary>
/// Reads chunks in first-offset order into records once each: a chunk's records at or below the range an earlier
/// chunk covered are skipped (leftovers of an interrupted compaction, superseded by the compacted chunk).
/// </summary>
public sealed class ChunkCursor(long fromOffset, long toOffset, int limit, long maxBytes)
{
    private long _covered = long.MinValue;
    private long _bytes;

    public List<LogRecord> Records { get; } = [];

    /// <summary>True once the page is full or past <c>toOffset</c>: no later chunk can add to it.</summary>
    public bool Done { get; private set; }

    public void Add(long lastOffset, IEnumerable<LogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (Done)
        {
            return;
        }

        foreach (var record in records)
        {
            if (record.Offset <= _covered || record.Offset < fromOffset)
            {
                continue;
            }

            if (record.Offset >= toOffset || Records.Count >= limit)
            {
                Done = true;
                break;
            }

            _bytes += record.Value?.Length ?? 0;
            if (Records.Count > 0 && _bytes > maxBytes)
            {
                Done = true;
                break;
            }

            Records.Add(record);
        }

        _covered = Math.Max(_covered, lastOffset);
        if (_covered >= toOffset - 1 || Records.Count >= limit)
        {
            Done = true;
        }
    }
}
