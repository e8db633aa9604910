namespace Platform.EventLog;

/// <summary>
/// One partition of a topic (key: <see cref="PartitionId.Key"/>). Guarantee: offsets are assigned once, densely and
/// in append order; an append is answered only after its records and the producer state are durable in storage, in
/// one ETag-checked write, so two activations can never store the same offset; a producer's retried batch is stored
/// once and answered with its original offsets.
/// </summary>
[Alias("Platform.EventLog.IPartitionGrain")]
public interface IPartitionGrain : IGrainWithStringKey
{
    /// <summary>Appends records (all or none); refuses an older producer epoch or a sequence that goes backwards with 409.</summary>
    [Alias("Append")]
    Task<AppendResult> Append(IReadOnlyList<ProduceRecord> records, ProducerStamp? producer);

    /// <summary>
    /// Up to <paramref name="limit"/> records (and at most <paramref name="maxBytes"/> of values, at least one record)
    /// from <paramref name="start"/>; when none is there yet, waits up to <paramref name="waitMs"/> for one.
    /// </summary>
    [Alias("Read")]
    Task<ReadResult> Read(ReadStart start, int limit, int maxBytes, int waitMs, CancellationToken cancellationToken = default);

    [Alias("Offsets")]
    Task<PartitionOffsets> Offsets();

    /// <summary>Deletes every record and the producer state; the partition refuses everything afterwards.</summary>
    [Alias("Drop")]
    Task Drop();
}
