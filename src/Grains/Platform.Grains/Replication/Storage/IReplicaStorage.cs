using Platform.Replication.Raft;

namespace Platform.Replication.Storage;

/// <summary>
/// Where a replica keeps its Raft state (term, vote, log, snapshot). A replica that finds none gets a new
/// incarnation, handed out once (<see cref="IReplicaIncarnations"/>), so it joins its group as a learner; one that
/// finds its state keeps the incarnation that state belongs to.
/// </summary>
public interface IReplicaStorage
{
    /// <summary>True when the state outlives the activation (a replica restarted elsewhere keeps its term, vote and log).</summary>
    bool Durable { get; }

    /// <summary>The replica's incarnation and what it persisted (null: none, a new incarnation).</summary>
    Task<ReplicaLoad> LoadAsync(ReplicaId replica, CancellationToken cancellationToken);

    /// <summary>
    /// Persists what a Ready asks for, in its order: the snapshot (replacing the stored log), the entries (dropping
    /// stored ones from the first of them on), the hard state. Its messages are sent only after this completes.
    /// </summary>
    ValueTask SaveAsync(ReplicaId replica, long incarnation, RaftReady ready);

    /// <summary>Stores a snapshot the replica took itself and drops the entries it covers.</summary>
    ValueTask SaveSnapshotAsync(ReplicaId replica, long incarnation, RaftSnapshot snapshot);

    /// <summary>Deletes everything of the replica: its namespace generation is gone.</summary>
    Task DropAsync(ReplicaId replica);
}

/// <summary>A replica's incarnation and its persisted Raft state, if any.</summary>
public sealed record ReplicaLoad(long Incarnation, RaftPersistedState? State);
