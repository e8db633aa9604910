namespace Platform.ClusterTests.History;

/// <summary>The lock fault test's mutual-exclusion check on hand-written histories, valid and violating.</summary>
public sealed class MutualExclusionCheckerTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Check_GrantsEachAfterTheEarlierReleaseWasSent_IsValid()
    {
        LockGrantRecord[] grants =
        [
            new(1, 1, S(0.0), S(0.1), Lease, S(0.2)),
            new(2, 2, S(0.15), S(0.3), Lease, S(0.4)),
            new(3, 3, S(0.35), S(0.5), Lease, S(0.6)),
        ];

        Assert.Empty(MutualExclusionChecker.Check(grants, Bound));
    }

    [Fact]
    public void Check_LaterGrantAcknowledgedBeforeTheEarlierReleaseWasSent_IsAViolation()
    {
        LockGrantRecord[] grants =
        [
            new(1, 1, S(0.0), S(0.1), Lease, S(0.5)),
            new(2, 2, S(0.05), S(0.3), Lease, S(0.6)),
        ];

        var violation = Assert.Single(MutualExclusionChecker.Check(grants, Bound));
        Assert.Contains("token 2", violation, StringComparison.Ordinal);
        Assert.Contains("token 1", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SecondGrantDuringAValidLeaseWhoseReleaseWasNeverSent_IsAViolation()
    {
        // A new activation that kept the token counter but lost the holder list grants client 2 during client 1's lease.
        LockGrantRecord[] grants =
        [
            new(1, 7, S(10.0), S(10.2), Lease, null),
            new(2, 8, S(11.0), S(11.5), Lease, S(11.6)),
        ];

        Assert.Single(MutualExclusionChecker.Check(grants, Bound));
    }

    [Fact]
    public void Check_GrantAfterTheEarlierLeaseExpiredUnreleased_IsValid()
    {
        // Client 1's release never arrived (its silo was killed); client 2 was granted only after the lease ran out.
        LockGrantRecord[] grants =
        [
            new(1, 7, S(10.0), S(10.2), Lease, null),
            new(2, 8, S(11.0), S(13.0), Lease, S(13.1)),
        ];

        Assert.Empty(MutualExclusionChecker.Check(grants, Bound));
    }

    [Fact]
    public void Check_GrantWithinTheClockBoundOfTheExpiry_IsValid_AndJustBeforeItIsNot()
    {
        var first = new LockGrantRecord(1, 1, S(0.0), S(0.1), Lease, null);
        var withinBound = new LockGrantRecord(2, 2, S(1.0), S(2.95), Lease, S(3.0));
        var beforeBound = new LockGrantRecord(2, 2, S(1.0), S(2.85), Lease, S(3.0));

        Assert.Empty(MutualExclusionChecker.Check([first, withinBound], Bound));
        Assert.Single(MutualExclusionChecker.Check([first, beforeBound], Bound));
    }

    [Fact]
    public void Check_TokenHandedOutTwice_IsAViolation()
    {
        LockGrantRecord[] grants =
        [
            new(1, 4, S(0.0), S(0.1), Lease, S(0.2)),
            new(2, 4, S(5.0), S(5.1), Lease, S(5.2)),
        ];

        Assert.Contains("granted twice", Assert.Single(MutualExclusionChecker.Check(grants, Bound)), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_IgnoresTheOrderGrantsAreListedIn()
    {
        LockGrantRecord[] grants =
        [
            new(2, 2, S(0.05), S(0.3), Lease, S(0.6)),
            new(1, 1, S(0.0), S(0.1), Lease, S(0.5)),
        ];

        Assert.Single(MutualExclusionChecker.Check(grants, Bound));
    }

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);
}
