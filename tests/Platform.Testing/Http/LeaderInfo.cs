namespace Platform.Testing.Http;

/// <summary>An election's leader and term (leader null when nobody leads; the term is then the last one).</summary>
public sealed record LeaderInfo(string Name, string? Leader, long Term, DateTimeOffset? ExpiresAt);
