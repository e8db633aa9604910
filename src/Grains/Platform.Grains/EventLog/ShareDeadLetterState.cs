namespace Platform.EventLog;

/// <summary>A record on its way to the dead-letter topic, with the producer sequence that makes its append idempotent.</summary>
[GenerateSerializer, Alias("Platform.EventLog.ShareDeadLetterState")]
public sealed class ShareDeadLetterState
{
    [Id(0)] public long Offset { get; set; }

    [Id(1)] public long Sequence { get; set; }

    [Id(2)] public int Deliveries { get; set; }
}
