namespace Platform.Client.Host.EventLog;

/// <summary>Body of a heartbeat: the generation the member is in.</summary>
public sealed record HeartbeatRequest(long? Generation);
