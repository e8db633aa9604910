namespace Platform.Testing.Http;

/// <summary>The answer of a heartbeat.</summary>
public sealed record HeartbeatAnswer(long Generation, bool Rejoin);
