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
