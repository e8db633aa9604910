namespace Platform.EventLog.Storage;

/// <summary>What a partition remembers of one idempotent producer: its epoch, highest stored sequence and its last batches.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.ProducerEntry")]
public sealed record ProducerEntry
{
    [Id(0)] public required string ProducerId { get; init; }

    [Id(1)] public required int Epoch { get; init; }

    [Id(2)] public required long LastSequence { get; init; }

    /// <summary>The last <see cref="ProducerTable.RememberedBatches"/> batches, oldest first: a retry of one is answered with its offsets.</summary>
    [Id(3)] public required IReadOnlyList<ProducerBatch> Batches { get; init; }

    /// <summary>When it last appended; the producer idle longest is forgotten first when the table is full.</summary>
    [Id(4)] public required DateTimeOffset LastAppend { get; init; }
}
