namespace Platform.EventLog;

/// <summary>
/// A share group on one partition (key: <see cref="ShareGroupId.Key"/>). Guarantee: a record is leased to at most one
/// consumer at a time and acknowledged at most once, because every lease, ack, nack and release is persisted in one
/// ETag-checked write before it is answered (a second activation's write fails, so two activations cannot both
/// lease or ack one record); a record failed <c>ShareMaxDeliveries</c> times goes to the dead-letter topic once.
/// </summary>
[Alias("Platform.EventLog.IShareGroupGrain")]
public interface IShareGroupGrain : IGrainWithStringKey
{
    /// <summary>
    /// Leases up to <paramref name="max"/> records for <paramref name="visibilityMs"/>: records to deliver again first
    /// (oldest offset first), then new ones; when there are none, waits up to <paramref name="waitMs"/> for one.
    /// </summary>
    [Alias("Fetch")]
    Task<IReadOnlyList<ShareLease>> Fetch(int max, int visibilityMs, int waitMs, CancellationToken cancellationToken = default);

    /// <summary>Waits up to <paramref name="waitMs"/> until a fetch would lease something, leasing nothing; true when one would.</summary>
    [Alias("WaitAvailable")]
    Task<bool> WaitAvailable(int waitMs, CancellationToken cancellationToken = default);

    /// <summary>Acks, nacks or releases leases of this partition; the answer says per lease id what happened.</summary>
    [Alias("Settle")]
    Task<IReadOnlyList<ShareSettleResult>> Settle(ShareSettle settle, IReadOnlyList<string> leaseIds);

    [Alias("Describe")]
    Task<SharePartitionView> Describe();
}
