namespace Platform.EventLog;

/// <summary>What an ack, nack or release did to one lease id.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.ShareSettleResult")]
public sealed record ShareSettleResult([property: Id(0)] string LeaseId, [property: Id(1)] ShareSettleStatus Status);
