using Platform.EventLog;

namespace Platform.Tests.EventLog;

/// <summary>The share group's decisions without a cluster: leases, expiry, settling by lease id, dead letters, the acknowledged start.</summary>
public sealed class ShareLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static (ShareGroupState State, ShareLedger Ledger) New(int maxDeliveries = 3)
    {
        var state = new ShareGroupState();
        return (state, new ShareLedger(state, maxDeliveries, generation: 1, partition: 0));
    }

    /// <summary>A leased record is not redeliverable; once its lease expires it is, and its old lease id settles nothing.</summary>
    [Fact]
    public void ExpiredLease_MakesTheRecordDueAgain_AndItsLeaseIdIsExpired()
    {
        var (state, ledger) = New();
        var record = ledger.AddFresh(0);
        var first = ledger.Lease(record, T0.AddSeconds(5), 1);
        Assert.Empty(ledger.Redeliverable);
        Assert.False(ledger.Expire(T0.AddSeconds(4)));
        Assert.True(ledger.Expire(T0.AddSeconds(5)));
        Assert.Single(ledger.Redeliverable);
        var second = ledger.Lease(record, T0.AddSeconds(10), 2);
        Assert.Equal(2, record.Deliveries);
        Assert.Equal(ShareSettleStatus.Expired, ledger.Settle(ShareSettle.Ack, first, T0.AddSeconds(6)));
        Assert.Equal(ShareSettleStatus.Acked, ledger.Settle(ShareSettle.Ack, second, T0.AddSeconds(6)));
        Assert.Equal(ShareSettleStatus.Expired, ledger.Settle(ShareSettle.Ack, second, T0.AddSeconds(6)));
        Assert.Equal((1L, 1L, 1L), (state.Start, state.Next, state.Acked));
    }

    /// <summary>The last allowed nack sends the record to the dead letters with the next sequence; a release does not count.</summary>
    [Fact]
    public void NackAtMaxDeliveries_DeadLetters_ReleaseDoesNotCount()
    {
        var (state, ledger) = New(maxDeliveries: 2);
        var record = ledger.AddFresh(0);
        ledger.AddFresh(1);
        Assert.Equal(ShareSettleStatus.Released, ledger.Settle(ShareSettle.Release, ledger.Lease(record, T0.AddSeconds(5), 1), T0));
        Assert.Equal(ShareSettleStatus.Nacked, ledger.Settle(ShareSettle.Nack, ledger.Lease(record, T0.AddSeconds(5), 2), T0));
        Assert.Equal(ShareSettleStatus.DeadLettered, ledger.Settle(ShareSettle.Nack, ledger.Lease(record, T0.AddSeconds(5), 3), T0));
        var letter = Assert.Single(state.DeadLetters);
        Assert.Equal((0L, 0L, 2), (letter.Offset, letter.Sequence, letter.Deliveries));
        Assert.Equal((1L, 2L, 1L), (state.Start, state.Next, state.DeadLettered));
    }

    /// <summary>Ids of another generation or partition, and offsets never delivered, are unknown; malformed ids too.</summary>
    [Fact]
    public void ForeignOrNeverIssuedLeaseIds_AreUnknown()
    {
        var (_, ledger) = New();
        ledger.Lease(ledger.AddFresh(0), T0.AddSeconds(5), 7);
        Assert.Equal(ShareSettleStatus.Unknown, ledger.Settle(ShareSettle.Ack, new ShareLeaseId(2, 0, 0, 1, 7).ToString(), T0));
        Assert.Equal(ShareSettleStatus.Unknown, ledger.Settle(ShareSettle.Ack, new ShareLeaseId(1, 1, 0, 1, 7).ToString(), T0));
        Assert.Equal(ShareSettleStatus.Unknown, ledger.Settle(ShareSettle.Ack, new ShareLeaseId(1, 0, 5, 1, 7).ToString(), T0));
        Assert.Equal(ShareSettleStatus.Expired, ledger.Settle(ShareSettle.Ack, new ShareLeaseId(1, 0, 0, 1, 8).ToString(), T0));
        Assert.Equal(ShareSettleStatus.Unknown, ledger.Settle(ShareSettle.Ack, "1.0.0.1", T0));
    }

    /// <summary>The start is the first offset not done, and the in-flight room counts from it.</summary>
    [Fact]
    public void Start_FollowsTheOldestRecordNotDone_AndBoundsTheRoom()
    {
        var (state, ledger) = New();
        var leases = Enumerable.Range(0, 4).Select(i => ledger.Lease(ledger.AddFresh(i), T0.AddSeconds(5), (uint)i)).ToList();
        Assert.Equal(6, ledger.FreshRoom(10));
        ledger.Settle(ShareSettle.Ack, leases[1], T0);
        ledger.Settle(ShareSettle.Ack, leases[2], T0);
        Assert.Equal(0L, state.Start);
        ledger.Settle(ShareSettle.Ack, leases[0], T0);
        Assert.Equal(3L, state.Start);
        Assert.Equal(9, ledger.FreshRoom(10));
        ledger.SkipTo(9);
        Assert.Equal((3L, 9L), (state.Start, state.Next));
        Assert.True(ShareLeaseId.TryParse(leases[3], out var parsed) && parsed.Offset == 3);
    }
}
