using Platform.Sharding;

namespace Platform.Client.Host.Replication;

/// <summary>One replica in a replicated shard's entry of the shard map.</summary>
public sealed record ReplicaMapEntry(
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
    long Keys)
{
    public static ReplicaMapEntry From(ShardReplicaInfo r) => new(r.Replica, r.Grain, r.Silo, r.Role, r.Term, r.Incarnation, r.Voter, r.CommitIndex, r.AppliedIndex, r.Lag, r.Keys);
}
