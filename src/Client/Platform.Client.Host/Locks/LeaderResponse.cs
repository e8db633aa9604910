using Platform.Locks;

namespace Platform.Client.Host.Locks;

/// <summary>An election's leader and term (leader null when nobody leads; term is then the last one).</summary>
public sealed record LeaderResponse(string Name, string? Leader, long Term, DateTimeOffset? ExpiresAt)
{
    public static LeaderResponse From(ElectionLeader leader) => new(leader.Election, leader.Leader, leader.Term, leader.ExpiresAt);
}
