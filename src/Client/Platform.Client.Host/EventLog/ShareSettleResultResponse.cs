using Platform.EventLog;

namespace Platform.Client.Host.EventLog;

/// <summary>What happened to one lease id: <c>acked</c>, <c>nacked</c>, <c>deadLettered</c>, <c>released</c>, <c>expired</c> or <c>unknown</c>.</summary>
public sealed record ShareSettleResultResponse(string LeaseId, string Status)
{
    public static ShareSettleResultResponse From(ShareSettleResult result) => new(result.LeaseId, result.Status switch
    {
        ShareSettleStatus.Acked => "acked",
        ShareSettleStatus.Nacked => "nacked",
        ShareSettleStatus.DeadLettered => "deadLettered",
        ShareSettleStatus.Released => "released",
        ShareSettleStatus.Expired => "expired",
        _ => "unknown",
    });
}
