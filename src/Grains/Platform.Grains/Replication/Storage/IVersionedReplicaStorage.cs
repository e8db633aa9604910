namespace Platform.Replication.Storage;

/// <summary>
/// Where quorum and multi-leader replicas keep their keys' states (<see cref="Quorum.VersionedReplicaGrain"/>). A
/// replica opens its <see cref="IVersionedReplicaStore"/> once per activation and rebuilds its Merkle tree from what it
/// loads; it saves every state it merged before it answers the call that brought it.
/// </summary>
public interface IVersionedReplicaStorage
{
    /// <summary>True when the states outlive the activation (a replica restarted elsewhere comes back with its keys).</summary>
    bool Durable { get; }

    /// <summary>Loads the replica's stored states and returns its store for this activation.</summary>
    Task<IVersionedReplicaStore> OpenAsync(ReplicaId replica, CancellationToken cancellationToken);

    /// <summary>Deletes every state of the replica: its namespace generation is gone.</summary>
    Task DropAsync(ReplicaId replica);
}
