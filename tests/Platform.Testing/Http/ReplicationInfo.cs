namespace Platform.Testing.Http;

/// <summary>A replicated namespace's <c>replication</c>.</summary>
public sealed record ReplicationInfo(string Mode, int Replicas, string Ack, string Consistency);
