namespace Platform.EventLog.Storage;

/// <summary>
/// One stored chunk (an append, or a compacted run of appends) of the segment starting at <see cref="Segment"/>: the
/// offsets it covers, its bytes and the append times of the records it was written with (kept through compaction, so
/// retention by time sees the original times).
/// </summary>
public sealed record ChunkInfo(long Segment, long FirstOffset, long LastOffset, long Bytes, DateTimeOffset FirstTimestamp, DateTimeOffset LastTimestamp)
{
    /// <summary>A chunk holding the records of one append to <paramref name="segment"/>.</summary>
    public static ChunkInfo Of(long segment, IReadOnlyList<LogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return new ChunkInfo(segment, records[0].Offset, records[^1].Offset, records.Sum(SegmentInfo.SizeOf), records[0].Timestamp, records[^1].Timestamp);
    }

    /// <summary>
    /// The segments of <paramref name="chunks"/> (in first-offset order). A chunk that starts inside the range an
    /// earlier chunk covers is a leftover of an interrupted compaction and adds only what lies past that range.
    /// </summary>
    public static IReadOnlyList<SegmentInfo> Segments(IEnumerable<ChunkInfo> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var segments = new List<SegmentInfo>();
        var covered = long.MinValue;
        foreach (var chunk in chunks)
        {
            if (chunk.LastOffset <= covered)
            {
                continue;
            }

            covered = chunk.LastOffset;
            if (segments.Count > 0 && segments[^1].FirstOffset == chunk.Segment)
            {
                var last = segments[^1];
                segments[^1] = last with { LastOffset = chunk.LastOffset, Bytes = last.Bytes + chunk.Bytes, LastTimestamp = chunk.LastTimestamp };
            }
            else
            {
                segments.Add(new SegmentInfo(chunk.Segment, chunk.LastOffset, chunk.Bytes, chunk.FirstTimestamp, chunk.LastTimestamp));
            }
        }

        return segments;
    }
}
