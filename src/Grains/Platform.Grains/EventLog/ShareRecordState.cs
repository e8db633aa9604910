namespace Platform.EventLog;

/// <summary>One delivered record of a share group: how often it was delivered, and its current lease if it is out.</summary>
[GenerateSerializer, Alias("Platform.EventLog.ShareRecordState")]
public sealed class ShareRecordState
{
    [Id(0)] public long Offset { get; set; }

    [Id(1)] public int Deliveries { get; set; }

    /// <summary>The lease id it is out under, or null when it waits to be delivered again.</summary>
    [Id(2)] public string? LeaseId { get; set; }

    [Id(3)] public DateTimeOffset LeasedUntil { get; set; }
}
