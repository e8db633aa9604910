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

    public async Task<IReplicaLog> OpenAsync(ReplicaId replica, CancellationToken cancellationToken) =>
        new Log(await incarnations.NextAsync(replica, cancellationToken));

    public Task DropAsync(ReplicaId replica) => incarnations.ForgetAsync(replica);

    private sealed class Log(long incarnation) : IReplicaLog
    {
        public long Incarnation => incarnation;

        public RaftPersistedState? State => null;

        public ValueTask SaveAsync(RaftReady ready) => ValueTask.CompletedTask;

        public ValueTask SaveSnapshotAsync(RaftSnapshot snapshot) => ValueTask.CompletedTask;
    }
}
