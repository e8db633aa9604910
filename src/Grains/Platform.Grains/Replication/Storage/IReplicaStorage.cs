using Platform.Replication.Raft;

namespace Platform.Replication.Storage;

/// <summary>
/// Where replicas keep their Raft state (term, vote, log, snapshot). A replica opens its own
/// <see cref="IReplicaLog"/> once per activation; one that finds no state gets a new incarnation, handed out once,
/// so it joins its group as a learner; one that finds its state keeps the incarnation that state belongs to.
/// </summary>
public interface IReplicaStorage
{
    /// <summary>True when the state outlives the activation (a replica restarted elsewhere keeps its term, vote and log).</summary>
    bool Durable { get; }

    /// <summary>Loads the replica's state (or starts a new incarnation) and returns its log for this activation.</summary>
    Task<IReplicaLog> OpenAsync(ReplicaId replica, CancellationToken cancellationToken);

    /// <summary>Deletes everything of the replica: its namespace generation is gone.</summary>
    Task DropAsync(ReplicaId replica);
}

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

/// <summary>Another activation of the same replica wrote its state: this activation's view is stale and it must stop.</summary>
public sealed class ReplicaStorageConflictException : Exception
{
    public ReplicaStorageConflictException()
    {
    }

    public ReplicaStorageConflictException(string message)
        : base(message)
    {
    }

    public ReplicaStorageConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
