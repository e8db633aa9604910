namespace Platform.Replication;

/// <summary>A batch of Raft messages between two replicas of a group, and the silo the sender runs on.</summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaPacket")]
public sealed record ReplicaPacket([property: Id(0)] byte[] Messages, [property: Id(1)] string FromSilo);
