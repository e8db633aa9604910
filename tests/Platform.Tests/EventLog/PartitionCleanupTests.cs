using Platform.EventLog;
using Platform.EventLog.Storage;

namespace Platform.Tests.EventLog;

/// <summary>Retention and compaction decisions, and reading chunks left behind by an interrupted compaction, without a cluster.</summary>
public sealed class PartitionCleanupTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SegmentInfo Segment(long first, long last, long bytes, DateTimeOffset at) => new(first, last, bytes, at, at);

    private static TopicSpec Spec(long? ms = null, long? bytes = null) => new() { Partitions = 1, MaxRecordBytes = 1024, RetentionMs = ms, RetentionBytes = bytes };

    /// <summary>Time retention removes the leading segments whose last record is older than the retention, the active one too; nothing past the first young one.</summary>
    [Fact]
    public void ExpiredSegments_ByTime_AreTheLeadingSegmentsOlderThanTheRetention()
    {
        var segments = new[] { Segment(0, 9, 100, T0), Segment(10, 19, 100, T0.AddMinutes(30)), Segment(20, 29, 100, T0.AddMinutes(90)) };
        Assert.Equal(0, PartitionCleanup.ExpiredSegments(segments, Spec(ms: 3_600_000), T0.AddMinutes(59)));
        Assert.Equal(1, PartitionCleanup.ExpiredSegments(segments, Spec(ms: 3_600_000), T0.AddMinutes(61)));
        Assert.Equal(2, PartitionCleanup.ExpiredSegments(segments, Spec(ms: 3_600_000), T0.AddMinutes(91)));
        Assert.Equal(3, PartitionCleanup.ExpiredSegments(segments, Spec(ms: 3_600_000), T0.AddMinutes(151)));
        Assert.Equal(0, PartitionCleanup.ExpiredSegments(segments, Spec(), T0.AddYears(1)));
    }

    /// <summary>Byte retention removes the oldest segments while the rest still holds the limit, and never the active (last) segment.</summary>
    [Fact]
    public void ExpiredSegments_ByBytes_KeepAtLeastTheLimit_AndNeverTheActiveSegment()
    {
        var segments = new[] { Segment(0, 9, 100, T0), Segment(10, 19, 100, T0), Segment(20, 29, 100, T0), Segment(30, 39, 100, T0) };
        Assert.Equal(0, PartitionCleanup.ExpiredSegments(segments, Spec(bytes: 400), T0));
        Assert.Equal(1, PartitionCleanup.ExpiredSegments(segments, Spec(bytes: 300), T0));
        Assert.Equal(2, PartitionCleanup.ExpiredSegments(segments, Spec(bytes: 150), T0));
        Assert.Equal(3, PartitionCleanup.ExpiredSegments(segments, Spec(bytes: 1), T0));
        Assert.Equal(3, PartitionCleanup.ExpiredSegments(segments, Spec(bytes: 0), T0));
    }

    /// <summary>Compaction keeps a keyed record only while no later record has its key, keyless records always, and a latest tombstone until the delete retention passed.</summary>
    [Fact]
    public void Keep_DropsSupersededRecords_AndTombstonesPastTheDeleteRetention()
    {
        var latest = new Dictionary<string, long> { ["a"] = 5, ["b"] = 7 };
        var retention = TimeSpan.FromMinutes(1);
        LogRecord Record(long offset, string? key, string? value, DateTimeOffset at) => new() { Offset = offset, Key = key, Value = value is null ? null : System.Text.Encoding.UTF8.GetBytes(value), Timestamp = at };
        Assert.False(PartitionCleanup.Keep(Record(1, "a", "old", T0), latest, T0, retention));
        Assert.True(PartitionCleanup.Keep(Record(5, "a", "new", T0), latest, T0, retention));
        Assert.True(PartitionCleanup.Keep(Record(2, null, "keyless", T0), latest, T0, retention));
        Assert.True(PartitionCleanup.Keep(Record(3, "unmapped", "kept", T0), latest, T0, retention));
        Assert.True(PartitionCleanup.Keep(Record(7, "b", null, T0), latest, T0.AddSeconds(59), retention));
        Assert.False(PartitionCleanup.Keep(Record(7, "b", null, T0), latest, T0.AddSeconds(60), retention));
        Assert.False(PartitionCleanup.Keep(Record(6, "b", null, T0), latest, T0, retention));
    }

    /// <summary>
    /// A compaction interrupted between two batches leaves old chunks inside the range a compacted chunk covers:
    /// reads and the segment index take every record once, the compacted chunk's for its range and the rest after it.
    /// </summary>
    [Fact]
    public void InterruptedCompaction_LeftoverChunks_AreReadOnce()
    {
        LogRecord R(long offset) => new() { Offset = offset, Key = "k", Timestamp = T0 };
        var cursor = new ChunkCursor(0, long.MaxValue, int.MaxValue, long.MaxValue);
        cursor.Add(9, [R(2), R(9)]);             // compacted chunk covering 0-9 (written over the chunk at 0)
        cursor.Add(9, [R(5), R(6), R(7), R(9)]); // leftover chunk 5-9, superseded
        cursor.Add(14, [R(10), R(12), R(14)]);
        Assert.Equal([2L, 9L, 10L, 12L, 14L], cursor.Records.Select(r => r.Offset));

        var from = new ChunkCursor(6, 13, 2, long.MaxValue);
        from.Add(9, [R(2), R(9)]);
        from.Add(9, [R(5), R(6), R(7), R(9)]);
        from.Add(14, [R(10), R(12), R(14)]);
        Assert.Equal([9L, 10L], from.Records.Select(r => r.Offset));

        var segments = ChunkInfo.Segments([new ChunkInfo(0, 0, 9, 20, T0, T0), new ChunkInfo(0, 5, 9, 40, T0, T0), new ChunkInfo(10, 10, 14, 30, T0, T0)]);
        Assert.Equal([new SegmentInfo(0, 9, 20, T0, T0), new SegmentInfo(10, 14, 30, T0, T0)], segments);
    }
}
