using Orleans.Concurrency;

namespace Platform.Replication.Quorum;

/// <summary>
/// One replica of a quorum or multi-leader shard (key: <see cref="ReplicaId.ToGrainKey"/>): a copy of the shard's keys
/// as mergeable states (<see cref="Crdt.KeyState"/>). Guarantee: a state is merged in (never overwritten) before the
/// call that brought it is answered, so an acknowledgement means this replica holds that write or a newer one, and
/// replicas that received the same writes, in any order and any number of times, hold byte-identical states.
/// </summary>
[Alias("Platform.IVersionedReplicaGrain")]
public interface IVersionedReplicaGrain : IGrainWithStringKey
{
    /// <summary>Merges states in: a quorum write, a read repair, a delivered hint, an anti-entropy or replication batch.</summary>
    [Alias("Apply"), AlwaysInterleave]
    Task<VersionedApplyResult> Apply(VersionedGroup group, VersionedBatch batch);

    /// <summary>The states of <paramref name="keys"/> (absent keys are left out).</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<VersionedReadResult> Get(VersionedGroup group, IReadOnlyList<string> keys);

    /// <summary>Multi-leader: a write accepted here (new clock reading, dot or counter slot of this replica), replicated to the others asynchronously.</summary>
    [Alias("Accept"), AlwaysInterleave]
    Task<VersionedAcceptResult> Accept(VersionedGroup group, VersionedLocalWrite write);

    /// <summary>Quorum: keep these keys for replica <paramref name="target"/>, which missed them, and deliver them when it answers again (hinted handoff).</summary>
    [Alias("Hint"), AlwaysInterleave]
    Task Hint(VersionedGroup group, int target, IReadOnlyList<string> keys);

    /// <summary>This replica's Merkle tree leaves (anti-entropy compares them pairwise).</summary>
    [Alias("Merkle"), AlwaysInterleave]
    Task<VersionedMerkle> Merkle(VersionedGroup group);

    /// <summary>The states of every key in the given Merkle buckets: the differing ranges anti-entropy streams.</summary>
    [Alias("Buckets"), AlwaysInterleave]
    Task<VersionedBatch> Buckets(VersionedGroup group, IReadOnlyList<int> buckets);

    /// <summary>Keys in ordinal order after <paramref name="after"/> starting with <paramref name="prefix"/>, tombstones included (the coordinator merges).</summary>
    [Alias("ListKeys"), AlwaysInterleave]
    Task<IReadOnlyList<VersionedKeyInfo>> ListKeys(VersionedGroup group, string prefix, string? after, int limit);

    [Alias("Status"), AlwaysInterleave]
    Task<VersionedReplicaStatus> Status(VersionedGroup group);

    /// <summary>Forgets this replica's copy and refuses everything after: its namespace generation is gone.</summary>
    [Alias("Drop")]
    Task Drop();
}
