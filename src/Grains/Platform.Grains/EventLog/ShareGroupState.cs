namespace Platform.EventLog;

/// <summary>
/// What a share group persists for one partition: offsets below <see cref="Start"/> are done, offsets from
/// <see cref="Next"/> on were never delivered, and in between every record not done has an entry in
/// <see cref="Records"/> (its delivery count and lease, if any). Bounded by <c>MaxShareInFlight</c>.
/// </summary>
[GenerateSerializer, Alias("Platform.EventLog.ShareGroupState")]
public sealed class ShareGroupState
{
    [Id(0)] public long Start { get; set; }

    [Id(1)] public long Next { get; set; }

    /// <summary>Records delivered at least once and not done, in offset order.</summary>
    [Id(2)] public List<ShareRecordState> Records { get; set; } = [];

    /// <summary>The idempotent-producer sequence of the next dead letter this partition's group sends.</summary>
    [Id(3)] public long DeadLetterSequence { get; set; }

    /// <summary>Records decided dead but not yet known to be stored in the dead-letter topic, in sequence order.</summary>
    [Id(4)] public List<ShareDeadLetterState> DeadLetters { get; set; } = [];

    [Id(5)] public long Acked { get; set; }

    [Id(6)] public long DeadLettered { get; set; }
}
