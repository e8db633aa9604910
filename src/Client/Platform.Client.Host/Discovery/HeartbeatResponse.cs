namespace Platform.Client.Host.Discovery;

/// <summary>A renewed TTL registration: when its lease ends now unless renewed again.</summary>
public sealed record HeartbeatResponse(string Id, DateTimeOffset? ExpiresAt);
