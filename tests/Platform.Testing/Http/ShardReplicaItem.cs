namespace Platform.Testing.Http;

/// <summary>One replica of a replicated shard in the shard map.</summary>
public sealed record ShardReplicaItem(
    int Replica,
    string Grain,
    string? Silo,
    string Role,
    long Term,
    long Incarnation,
    bool Voter,
    long CommitIndex,
    long AppliedIndex,
    long? Lag,
    long Keys);
