namespace Platform.Client.Host.EventLog;

/// <summary>The group's generation and whether the member must join again to learn its assignment.</summary>
public sealed record HeartbeatResponse(long Generation, bool Rejoin);
