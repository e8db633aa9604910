namespace Platform.Replication;

[GenerateSerializer, Immutable, Alias("Platform.ReplicaLogEntry")]
public readonly record struct ReplicaLogEntry([property: Id(0)] long Index, [property: Id(1)] long Term, [property: Id(2)] ulong Hash);
