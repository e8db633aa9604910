namespace Platform.EventLog;

/// <summary>
/// The idempotent producer's identity on one append: the producer, its epoch, and the sequence of each record of the
/// append (record i of a produce request has the request's sequence + i; one partition gets a subset, in order).
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.ProducerStamp")]
public sealed record ProducerStamp
{
    [Id(0)] public required string ProducerId { get; init; }

    [Id(1)] public required int Epoch { get; init; }

    /// <summary>The sequence of the append's first record.</summary>
    [Id(2)] public required long FirstSequence { get; init; }

    /// <summary>The sequence of the append's last record.</summary>
    [Id(3)] public required long LastSequence { get; init; }
}
