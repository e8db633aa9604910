namespace Platform.EventLog.Storage;

/// <summary>
/// A partition's head, written with every append in the same ETag-checked storage write as the records: the next
/// offset, the first offset still stored, the producer table, and whether the partition was dropped.
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.PartitionHead")]
public sealed record PartitionHead
{
    [Id(0)] public long NextOffset { get; init; }

    [Id(1)] public long EarliestOffset { get; init; }

    [Id(2)] public IReadOnlyList<ProducerEntry> Producers { get; init; } = [];

    [Id(3)] public bool Dropped { get; init; }

    [Id(4)] public DateTimeOffset LastTimestamp { get; init; }
}
