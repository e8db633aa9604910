using Platform.Client.Host.Api;
using Platform.EventLog;

namespace Platform.Client.Host.EventLog;

/// <summary>A leased record: the lease id to ack, nack or release it with, where it is, the record, and which delivery this is.</summary>
public sealed record ShareLeaseResponse(
    string LeaseId, int Partition, long Offset, string? Key, string? Value, string? ValueBase64, IReadOnlyDictionary<string, string>? Headers,
    DateTimeOffset Timestamp, int DeliveryCount, DateTimeOffset LeasedUntil)
{
    public static ShareLeaseResponse From(ShareLease lease) => new(
        lease.LeaseId,
        lease.Partition,
        lease.Record.Offset,
        lease.Record.Key,
        lease.Record.Value is null ? null : JsonValues.Text(lease.Record.Value),
        lease.Record.Value is null ? null : JsonValues.Base64(lease.Record.Value),
        lease.Record.Headers,
        lease.Record.Timestamp,
        lease.DeliveryCount,
        lease.LeasedUntil);
}
