using System.Collections.Concurrent;
using System.Globalization;

namespace Platform.EventLog.Storage;

/// <summary>Partitions in process memory (the embedded default): the same ETag rule as durable storage, nothing survives the process.</summary>
public sealed class MemoryPartitionStorage : IPartitionStorage
{
    private readonly ConcurrentDictionary<string, Slot> _partitions = new(StringComparer.Ordinal);

    public Task<StoredPartition> LoadAsync(PartitionId partition, CancellationToken cancellationToken = default)
    {
        var slot = _partitions.GetOrAdd(partition.Key, static _ => new Slot());
        lock (slot)
        {
            return Task.FromResult(new StoredPartition(slot.Head, slot.Version == 0 ? null : ETag(slot.Version), [.. slot.Records]));
        }
    }

    public Task<string> AppendAsync(PartitionId partition, PartitionHead head, string? expectedETag, IReadOnlyList<LogRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(records);
        var slot = _partitions.GetOrAdd(partition.Key, static _ => new Slot());
        lock (slot)
        {
            var current = slot.Version == 0 ? null : ETag(slot.Version);
            if (current != expectedETag)
            {
                throw new PartitionStorageConflictException($"Partition {partition} head is at {current ?? "none"}, not {expectedETag ?? "none"}.");
            }

            slot.Records.AddRange(records);
            var drop = head.EarliestOffset - (slot.Records.Count > 0 ? slot.Records[0].Offset : head.EarliestOffset);
            if (drop > 0)
            {
                slot.Records.RemoveRange(0, (int)Math.Min(drop, slot.Records.Count));
            }

            slot.Head = head;
            slot.Version++;
            return Task.FromResult(ETag(slot.Version));
        }
    }

    public Task DropAsync(PartitionId partition, CancellationToken cancellationToken = default)
    {
        var slot = _partitions.GetOrAdd(partition.Key, static _ => new Slot());
        lock (slot)
        {
            slot.Records.Clear();
            slot.Head = slot.Head with { Dropped = true, Producers = [] };
            slot.Version++;
        }

        return Task.CompletedTask;
    }

    private static string ETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    private sealed class Slot
    {
        public PartitionHead Head { get; set; } = new();

        public long Version { get; set; }

        public List<LogRecord> Records { get; } = [];
    }
}
