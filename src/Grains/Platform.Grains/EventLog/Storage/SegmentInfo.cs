namespace Platform.EventLog.Storage;

/// <summary>
/// One segment of a partition: the offsets it covers (<see cref="FirstOffset"/> to <see cref="LastOffset"/>, with
/// gaps once compacted), the bytes its records hold (key + value + headers) and the append times of its first and
/// last record. Retention deletes whole segments; compaction rewrites closed ones.
/// </summary>
public sealed record SegmentInfo(long FirstOffset, long LastOffset, long Bytes, DateTimeOffset FirstTimestamp, DateTimeOffset LastTimestamp)
{
    /// <summary>The size retention and the memory window count for a record.</summary>
    public static long SizeOf(LogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var size = (long)(record.Key is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(record.Key)) + (record.Value?.Length ?? 0);
        foreach (var (name, value) in record.Headers ?? new Dictionary<string, string>())
        {
            size += System.Text.Encoding.UTF8.GetByteCount(name) + System.Text.Encoding.UTF8.GetByteCount(value);
        }

        return size;
    }

    /// <summary>This segment with <paramref name="records"/> (appended in one write) added.</summary>
    public SegmentInfo With(IReadOnlyList<LogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.Count == 0 ? this : this with
        {
            LastOffset = records[^1].Offset,
            Bytes = Bytes + records.Sum(SizeOf),
            LastTimestamp = records[^1].Timestamp,
        };
    }

    /// <summary>A new segment holding the records of one append.</summary>
    public static SegmentInfo Of(IReadOnlyList<LogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return new SegmentInfo(records[0].Offset, records[^1].Offset, records.Sum(SizeOf), records[0].Timestamp, records[^1].Timestamp);
    }
}
