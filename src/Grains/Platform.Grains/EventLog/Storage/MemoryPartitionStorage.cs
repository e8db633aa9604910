using System.Collections.Concurrent;
using System.Globalization;

namespace Platform.EventLog.Storage;

/// <summary>Partitions in process memory (the embedded default): the same ETag rule and segment layout as durable storage, nothing survives the process.</summary>
public sealed class MemoryPartitionStorage : IPartitionStorage
{
    private readonly ConcurrentDictionary<string, Slot> _partitions = new(StringComparer.Ordinal);

    public Task<StoredPartition> LoadAsync(PartitionId partition, long tailBytes = long.MaxValue, CancellationToken cancellationToken = default)
    {
        var slot = Get(partition);
        lock (slot)
        {
            var chunks = slot.Chunks.Values.ToList();
            var start = chunks.Count;
            var bytes = 0L;
            while (start > 0 && bytes < tailBytes)
            {
                start--;
                bytes += chunks[start].Info.Bytes;
            }

            var tailStart = start < chunks.Count ? chunks[start].Info.FirstOffset : slot.Head.NextOffset;
            var cursor = new ChunkCursor(tailStart, long.MaxValue, int.MaxValue, long.MaxValue);
            foreach (var chunk in chunks.Skip(start))
            {
                cursor.Add(chunk.Info.LastOffset, chunk.Records);
            }

            return Task.FromResult(new StoredPartition(slot.Head, slot.Version == 0 ? null : ETag(slot.Version), ChunkInfo.Segments(chunks.Select(c => c.Info)), tailStart, cursor.Records));
        }
    }

    public Task<string> AppendAsync(PartitionId partition, PartitionHead head, string? expectedETag, long segment, IReadOnlyList<LogRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(records);
        var slot = Get(partition);
        lock (slot)
        {
            Check(slot, partition, expectedETag);
            if (records.Count > 0)
            {
                slot.Chunks[records[0].Offset] = new Chunk(ChunkInfo.Of(segment, records), [.. records]);
            }

            slot.Head = head;
            slot.Version++;
            return Task.FromResult(ETag(slot.Version));
        }
    }

    public Task<IReadOnlyList<LogRecord>> ReadAsync(PartitionId partition, long segment, long fromOffset, long toOffset, int limit, long maxBytes, CancellationToken cancellationToken = default)
    {
        var slot = Get(partition);
        lock (slot)
        {
            var cursor = new ChunkCursor(fromOffset, toOffset, limit, maxBytes);
            var keys = slot.Chunks.Keys;
            int lo = 0, hi = keys.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (keys[mid] < segment)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            for (var i = lo; i < keys.Count; i++)
            {
                var chunk = slot.Chunks.Values[i];
                cursor.Add(chunk.Info.LastOffset, chunk.Records);
                if (cursor.Done)
                {
                    break;
                }
            }

            return Task.FromResult<IReadOnlyList<LogRecord>>(cursor.Records);
        }
    }

    public Task<string> TruncateAsync(PartitionId partition, PartitionHead head, string expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(head);
        var slot = Get(partition);
        lock (slot)
        {
            Check(slot, partition, expectedETag);
            slot.Head = head;
            slot.Version++;
            foreach (var first in slot.Chunks.Keys.Where(k => k < head.EarliestOffset).ToList())
            {
                slot.Chunks.Remove(first);
            }

            return Task.FromResult(ETag(slot.Version));
        }
    }

    public Task<SegmentInfo> CompactAsync(PartitionId partition, SegmentInfo segment, Func<LogRecord, bool> keep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(keep);
        var slot = Get(partition);
        lock (slot)
        {
            var chunks = slot.Chunks.Values.Where(c => c.Info.FirstOffset >= segment.FirstOffset && c.Info.FirstOffset <= segment.LastOffset).ToList();
            if (chunks.Count == 0)
            {
                return Task.FromResult(segment);
            }

            var cursor = new ChunkCursor(segment.FirstOffset, segment.LastOffset + 1, int.MaxValue, long.MaxValue);
            foreach (var chunk in chunks)
            {
                cursor.Add(chunk.Info.LastOffset, chunk.Records);
                slot.Chunks.Remove(chunk.Info.FirstOffset);
            }

            var kept = cursor.Records.Where(keep).ToList();
            var info = new ChunkInfo(segment.FirstOffset, segment.FirstOffset, segment.LastOffset, kept.Sum(SegmentInfo.SizeOf), chunks[0].Info.FirstTimestamp, chunks.Max(c => c.Info.LastTimestamp));
            slot.Chunks[segment.FirstOffset] = new Chunk(info, kept);
            return Task.FromResult(segment with { Bytes = info.Bytes });
        }
    }

    public Task DropAsync(PartitionId partition, CancellationToken cancellationToken = default)
    {
        var slot = Get(partition);
        lock (slot)
        {
            slot.Chunks.Clear();
            slot.Head = slot.Head with { Dropped = true, Producers = [] };
            slot.Version++;
        }

        return Task.CompletedTask;
    }

    private Slot Get(PartitionId partition) => _partitions.GetOrAdd(partition.Key, static _ => new Slot());

    private static void Check(Slot slot, PartitionId partition, string? expectedETag)
    {
        var current = slot.Version == 0 ? null : ETag(slot.Version);
        if (current != expectedETag)
        {
            throw new PartitionStorageConflictException($"Partition {partition} head is at {current ?? "none"}, not {expectedETag ?? "none"}.");
        }
    }

    private static string ETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    private sealed record Chunk(ChunkInfo Info, IReadOnlyList<LogRecord> Records);

    private sealed class Slot
    {
        public PartitionHead Head { get; set; } = new();

        public long Version { get; set; }

        public SortedList<long, Chunk> Chunks { get; } = [];
    }
}
