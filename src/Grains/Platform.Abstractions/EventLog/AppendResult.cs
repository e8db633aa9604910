namespace Platform.EventLog;

/// <summary>Where an append's records went: their offsets, and whether this was a retry answered with the original offsets.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.AppendResult")]
public sealed record AppendResult
{
    /// <summary>The offset of each record of the append, in order.</summary>
    [Id(0)] public required IReadOnlyList<long> Offsets { get; init; }

    /// <summary>True when the producer's batch was already stored: nothing was appended, the offsets are the original ones.</summary>
    [Id(1)] public bool Duplicate { get; init; }
}
