using Platform.Replication.Raft;

namespace Platform.Replication.Storage;

/// <summary>One activation's handle on a replica's stored Raft state.</summary>
public interface IReplicaLog
{
    long Incarnation { get; }

    /// <summary>What the replica had persisted when this activation opened it; null for a new incarnation.</summary>
    RaftPersistedState? State { get; }

    /// <summary>
    /// Persists what a Ready asks for: the snapshot (replacing the stored log), the entries (replacing stored ones
    /// from the first of them on), the hard state. The Ready's messages are sent only after this completes. Throws
    /// <see cref="ReplicaStorageConflictException"/> when another activation wrote meanwhile: this one must stop.
    /// </summary>
    ValueTask SaveAsync(RaftReady ready);

    /// <summary>Stores a snapshot the replica took itself and drops the entries it covers.</summary>
    ValueTask SaveSnapshotAsync(RaftSnapshot snapshot);
}
