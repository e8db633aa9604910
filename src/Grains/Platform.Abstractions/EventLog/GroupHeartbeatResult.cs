namespace Platform.EventLog;

/// <summary>A heartbeat's answer: the group's generation, and whether this member must join again to learn its assignment.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.GroupHeartbeatResult")]
public sealed record GroupHeartbeatResult([property: Id(0)] long Generation, [property: Id(1)] bool Rejoin);
