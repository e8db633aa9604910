using Platform.EventLog.Storage;

namespace Platform.EventLog;

/// <summary>
/// What retention and compaction remove, decided without storage: retention deletes whole segments from the start
/// (by time: every leading segment whose last record is older than <see cref="TopicSpec.RetentionMs"/>; by bytes: the
/// oldest closed segments while what remains still holds <see cref="TopicSpec.RetentionBytes"/>); compaction keeps a
/// record unless a later record has its key, and drops a tombstone once it is older than the delete retention.
/// </summary>
public static class PartitionCleanup
{
    /// <summary>How many leading segments retention deletes now. The last (active) segment goes only by time.</summary>
    public static int ExpiredSegments(IReadOnlyList<SegmentInfo> segments, TopicSpec spec, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(spec);
        var byTime = 0;
        if (spec.RetentionMs is { } ms)
        {
            var cutoff = now - TimeSpan.FromMilliseconds(ms);
            while (byTime < segments.Count && segments[byTime].LastTimestamp < cutoff)
            {
                byTime++;
            }
        }

        var byBytes = 0;
        if (spec.RetentionBytes is { } limit)
        {
            var total = segments.Sum(s => s.Bytes);
            while (byBytes < segments.Count - 1 && total - segments[byBytes].Bytes >= limit)
            {
                total -= segments[byBytes].Bytes;
                byBytes++;
            }
        }

        return Math.Max(byTime, byBytes);
    }

    /// <summary>
    /// Whether compaction keeps <paramref name="record"/>, given the latest offset of each key it saw
    /// (<paramref name="latest"/>): a keyless record is kept; a keyed one only while no later record has its key; a
    /// tombstone (no value) that is the latest is dropped once older than <paramref name="deleteRetention"/>.
    /// </summary>
    public static bool Keep(LogRecord record, IReadOnlyDictionary<string, long> latest, DateTimeOffset now, TimeSpan deleteRetention)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(latest);
        if (record.Key is null)
        {
            return true;
        }

        if (latest.TryGetValue(record.Key, out var last) && last > record.Offset)
        {
            return false;
        }

        return record.Value is not null || record.Timestamp + deleteRetention > now;
    }
}
