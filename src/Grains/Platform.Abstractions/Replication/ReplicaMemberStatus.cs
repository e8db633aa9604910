namespace Platform.Replication;

/// <summary>A leader's view of one member of its group.</summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaMemberStatus")]
public sealed record ReplicaMemberStatus(
    [property: Id(0)] int Replica,
    [property: Id(1)] long Incarnation,
    [property: Id(2)] bool Voter,
    [property: Id(3)] long MatchIndex,
    [property: Id(4)] string? Silo);
