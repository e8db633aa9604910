using Platform.Replication.Raft;

namespace Platform.Replication.Storage;

/// <summary>
/// Raft state in the activation's memory only: every activation is a new incarnation, which joins its group as a
/// learner and catches up from the others. What keeps acknowledged writes on memory storage is the group itself:
/// a majority of it holds every committed entry.
/// </summary>
public sealed class MemoryReplicaStorage(IReplicaIncarnations incarnations) : IReplicaStorage
{
    public bool Durable => false;

    public async Task<ReplicaLoad> LoadAsync(ReplicaId replica, CancellationToken cancellationToken) =>
        new(await incarnations.NextAsync(replica, cancellationToken), null);

    public ValueTask SaveAsync(ReplicaId replica, long incarnation, RaftReady ready) => ValueTask.CompletedTask;

    public ValueTask SaveSnapshotAsync(ReplicaId replica, long incarnation, RaftSnapshot snapshot) => ValueTask.CompletedTask;

    public Task DropAsync(ReplicaId replica) => incarnations.ForgetAsync(replica);
}
