namespace Platform.ClusterTests.History;

/// <summary>
/// One acknowledged exclusive grant as a client saw it: when it sent the acquire (<see cref="Requested"/>), when the
/// grant came back (<see cref="Acknowledged"/>), the lease it asked for, and when it sent the release (null: never
/// sent, or refused with 409 because the lease was already gone, so only its expiry bounds it). Times are offsets on one monotonic clock of the test process.
/// </summary>
public sealed record LockGrantRecord(int Client, long Token, TimeSpan Requested, TimeSpan Acknowledged, TimeSpan Lease, TimeSpan? ReleaseSent = null)
{
    /// <summary>
    /// The earliest real time this lease could have ended: the release was sent, or it expired; the server counts the
    /// lease from its grant, which is no earlier than the request, on a clock that may be ahead by
    /// <paramref name="clockBound"/>.
    /// </summary>
    public TimeSpan EarliestEnd(TimeSpan clockBound)
    {
        var expiry = Requested + Lease - clockBound;
        return ReleaseSent is { } release && release < expiry ? release : expiry;
    }

    public override string ToString() => FormattableString.Invariant(
        $"token {Token} (client {Client}, requested {Requested.TotalSeconds:F3} s, acknowledged {Acknowledged.TotalSeconds:F3} s, lease {Lease.TotalMilliseconds:F0} ms, release sent {(ReleaseSent is { } r ? $"{r.TotalSeconds:F3} s" : "never")})");
}
