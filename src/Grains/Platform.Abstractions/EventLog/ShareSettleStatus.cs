namespace Platform.EventLog;

/// <summary>The answer for one lease id of an ack, nack or release.</summary>
[GenerateSerializer, Alias("Platform.EventLog.ShareSettleStatus")]
public enum ShareSettleStatus
{
    /// <summary>Acknowledged: the record is done and never delivered again.</summary>
    Acked = 0,

    /// <summary>Failed: it will be delivered again.</summary>
    Nacked = 1,

    /// <summary>Failed for the last allowed time (<c>ShareMaxDeliveries</c>): it went to the dead-letter topic and is done.</summary>
    DeadLettered = 2,

    /// <summary>Given back: it will be delivered again, and this delivery does not count.</summary>
    Released = 3,

    /// <summary>The lease is no longer held (its visibility timeout passed, or it was settled already): nothing changed.</summary>
    Expired = 4,

    /// <summary>Not a lease this share group issued (another topic generation, a partition or offset it never leased): nothing changed.</summary>
    Unknown = 5,
}
