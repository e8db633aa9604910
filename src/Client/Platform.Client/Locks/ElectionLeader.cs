namespace Platform.Locks;

/// <summary>An election's leader as seen at one moment; <see cref="Leader"/> null when nobody leads (then Term is the last term).</summary>
public sealed record ElectionLeader(string Election, string? Leader, long Term, DateTimeOffset? ExpiresAt)
{
    public static ElectionLeader From(LeaseView view) => view.Leader is { } leader
        ? new ElectionLeader(view.Name, leader.Owner, leader.Token, leader.ExpiresAt)
        : new ElectionLeader(view.Name, null, view.LastToken, null);
}
