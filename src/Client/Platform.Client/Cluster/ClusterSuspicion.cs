namespace Platform.Client.Cluster;

/// <summary>One vote in the membership table that a silo is dead: who suspected it and when (Orleans' SuspectTimes).</summary>
/// <param name="By">The suspecting silo's endpoint <c>address:port</c>.</param>
/// <param name="At">When it voted (UTC).</param>
public sealed record ClusterSuspicion(string By, DateTimeOffset At);
