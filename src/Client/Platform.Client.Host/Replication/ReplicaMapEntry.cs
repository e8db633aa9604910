using Platform.Sharding;

namespace Platform.Client.Host.Replication;

/// <summary>One replica in a replicated shard's entry of the shard map (quorum and multi-leader replicas add their Merkle root, queues and repairs).</summary>
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
    long Keys,
    string? MerkleRoot = null,
    int? PendingOutgoing = null,
    int? HintsHeld = null,
    DateTimeOffset? LastAntiEntropy = null,
    long? DivergentRanges = null,
    IReadOnlyDictionary<string, long>? Repairs = null)
{
    public static ReplicaMapEntry From(ShardReplicaInfo r) => new(r.Replica, r.Grain, r.Silo, r.Role, r.Term, r.Incarnation, r.Voter, r.CommitIndex, r.AppliedIndex, r.Lag, r.Keys,
        r.MerkleRoot, r.PendingOutgoing, r.HintsHeld, r.LastAntiEntropy, r.DivergentRanges, r.Repairs);
}
