namespace Platform.EventLog;

/// <summary>
/// The decisions of a share group on one partition, over its persisted <see cref="ShareGroupState"/>: expiring
/// leases, leasing, and settling (ack, nack, release) by lease id, dead-lettering a record failed
/// <c>maxDeliveries</c> times. No I/O and no clock of its own, so it is tested without a cluster; the grain persists
/// the state after each decision before it answers.
/// </summary>
public sealed class ShareLedger(ShareGroupState state, int maxDeliveries, long generation, int partition)
{
    private List<ShareRecordState> Records => state.Records;

    /// <summary>Records delivered before whose lease is not held: delivered again before new records, oldest first.</summary>
    public IEnumerable<ShareRecordState> Redeliverable => Records.Where(r => r.LeaseId is null);

    /// <summary>Whether anything is leased now.</summary>
    public bool AnyLeased => Records.Any(r => r.LeaseId is not null);

    /// <summary>The earliest end of a lease held now, or null when none is.</summary>
    public DateTimeOffset? NextExpiry => Records.Where(r => r.LeaseId is not null).Select(r => (DateTimeOffset?)r.LeasedUntil).Min();

    /// <summary>How many new records may be leased before the group holds <paramref name="maxInFlight"/> past its start.</summary>
    public int FreshRoom(int maxInFlight) => (int)Math.Clamp(state.Start + maxInFlight - state.Next, 0, int.MaxValue);

    /// <summary>Voids every lease whose visibility timeout has passed; a record out of deliveries goes to the dead letters.</summary>
    public bool Expire(DateTimeOffset now)
    {
        var changed = false;
        foreach (var record in Records.Where(r => r.LeaseId is not null && r.LeasedUntil <= now).ToList())
        {
            record.LeaseId = null;
            changed = true;
            if (record.Deliveries >= maxDeliveries)
            {
                Kill(record);
            }
        }

        return changed;
    }

    /// <summary>A record at or past the frontier, read from the partition, becomes the group's (not yet leased).</summary>
    public ShareRecordState AddFresh(long offset)
    {
        if (offset < state.Next)
        {
            throw new InvalidOperationException($"Offset {offset} is below the share group's frontier {state.Next}.");
        }

        var record = new ShareRecordState { Offset = offset };
        Records.Add(record);
        state.Next = offset + 1;
        Advance();
        return record;
    }

    /// <summary>Moves the frontier past offsets the partition no longer has (compaction gaps, retention).</summary>
    public void SkipTo(long next)
    {
        if (next > state.Next)
        {
            state.Next = next;
            Advance();
        }
    }

    /// <summary>A delivered record the partition no longer holds (removed by retention or compaction): nothing to deliver.</summary>
    public void Drop(ShareRecordState record)
    {
        Records.Remove(record);
        Advance();
    }

    /// <summary>Leases the record until <paramref name="until"/> as its next delivery; answers the lease id.</summary>
    public string Lease(ShareRecordState record, DateTimeOffset until, uint nonce)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.Deliveries++;
        record.LeaseId = new ShareLeaseId(generation, partition, record.Offset, record.Deliveries, nonce).ToString();
        record.LeasedUntil = until;
        return record.LeaseId;
    }

    /// <summary>Settles one lease id (call <see cref="Expire"/> first, with the same time).</summary>
    public ShareSettleStatus Settle(ShareSettle settle, string leaseId, DateTimeOffset now)
    {
        if (!ShareLeaseId.TryParse(leaseId, out var id) || id.Generation != generation || id.Partition != partition)
        {
            return ShareSettleStatus.Unknown;
        }

        var record = Find(id.Offset);
        if (record is null || record.LeaseId != leaseId || record.LeasedUntil <= now)
        {
            return id.Offset < state.Next && id.Delivery >= 1 ? ShareSettleStatus.Expired : ShareSettleStatus.Unknown;
        }

        switch (settle)
        {
            case ShareSettle.Ack:
                Records.Remove(record);
                state.Acked++;
                Advance();
                return ShareSettleStatus.Acked;
            case ShareSettle.Nack:
                record.LeaseId = null;
                if (record.Deliveries >= maxDeliveries)
                {
                    Kill(record);
                    return ShareSettleStatus.DeadLettered;
                }

                return ShareSettleStatus.Nacked;
            default:
                record.LeaseId = null;
                record.Deliveries--;
                return ShareSettleStatus.Released;
        }
    }

    private ShareRecordState? Find(long offset)
    {
        int low = 0, high = Records.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) / 2;
            var at = Records[mid].Offset;
            if (at == offset)
            {
                return Records[mid];
            }

            if (at < offset)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return null;
    }

    private void Kill(ShareRecordState record)
    {
        Records.Remove(record);
        state.DeadLetters.Add(new ShareDeadLetterState { Offset = record.Offset, Sequence = state.DeadLetterSequence++, Deliveries = record.Deliveries });
        state.DeadLettered++;
        Advance();
    }

    private void Advance() => state.Start = Records.Count == 0 ? state.Next : Math.Min(Records[0].Offset, state.Next);
}
