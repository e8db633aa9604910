namespace Platform.EventLog.Storage;

/// <summary>One stored batch of a producer on a partition: its sequences and the offsets it got (an append's offsets are consecutive).</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.ProducerBatch")]
public sealed record ProducerBatch([property: Id(0)] long FirstSequence, [property: Id(1)] long LastSequence, [property: Id(2)] long FirstOffset, [property: Id(3)] int Count);
