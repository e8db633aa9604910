using Orleans.Concurrency;

namespace Platform.Replication;

/// <summary>
/// One replica of a replicated shard (key: <see cref="ReplicaId.ToGrainKey"/>): a member of the shard's Raft group,
/// holding its own copy of the shard's keys. Guarantee: a write is answered only at its acknowledgement level (for
/// <c>majority</c>, once committed, so it survives while a majority of the group lives), a strong read is linearizable,
/// and a replica that forgot its term and vote never votes. Writes and strong reads go to the leader; others answer
/// <see cref="ReplicaCallStatus.NotLeader"/> with the leader they know.
/// </summary>
[Alias("Platform.IReplicaGrain")]
public interface IReplicaGrain : IGrainWithStringKey
{
    /// <summary>Raft messages from another replica of the group (one-way: a lost message is a lost message).</summary>
    [Alias("Deliver"), OneWay]
    Task Deliver(ReplicaPacket packet);

    /// <summary>A write, acknowledged at the namespace's ack level (interleaves: it waits for the group while the replica keeps working).</summary>
    [Alias("Write"), AlwaysInterleave]
    Task<ReplicaWriteResult> Write(ReplicaWrite write);

    [Alias("Read"), AlwaysInterleave]
    Task<ReplicaReadResult> Read(ReplicaRead read);

    /// <summary>Live keys in ordinal order after <c>after</c> that start with <c>prefix</c>, at the read's consistency.</summary>
    [Alias("ListKeys"), AlwaysInterleave]
    Task<ReplicaListResult> ListKeys(ReplicaRead read, string prefix, string? after, int limit);

    /// <summary>This replica's view of itself and (when leader) of its group; answered by every replica, whatever its role.</summary>
    [Alias("Status"), AlwaysInterleave]
    Task<ReplicaStatus> Status();

    /// <summary>Tests only: this replica's log entries and term history, to check election safety and log agreement.</summary>
    [Alias("DumpLog"), AlwaysInterleave]
    Task<ReplicaLogDump> DumpLog();

    /// <summary>Deletes this replica's copy and state and refuses everything after: its namespace generation is gone.</summary>
    [Alias("Drop")]
    Task Drop();

    /// <summary>
    /// Asks this replica to move to <paramref name="target"/>, a silo without another replica of its group (the leader
    /// asks when silos joined): it hands over leadership if it has it, then migrates there (the target travels as the
    /// placement hint, so the move does not depend on directory lookups that may still name a dead silo).
    /// </summary>
    [Alias("Relocate")]
    Task Relocate(SiloAddress target);
}
