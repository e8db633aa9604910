namespace Platform.EventLog;

/// <summary>An append waiting for the partition's next write (group commit), answered through <see cref="Done"/>.</summary>
internal sealed class PendingAppend(IReadOnlyList<ProduceRecord> records, ProducerStamp? producer)
{
    public IReadOnlyList<ProduceRecord> Records { get; } = records;

    public ProducerStamp? Producer { get; } = producer;

    public long Bytes { get; } = records.Sum(r => (long)r.Size());

    public TaskCompletionSource<AppendResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
