using Platform.Replication.Quorum;

namespace Platform.Replication.Storage;

/// <summary>States in the activation's memory only: a replica that restarts or moves comes back empty and is refilled by read repair, hints and anti-entropy.</summary>
public sealed class MemoryVersionedReplicaStorage : IVersionedReplicaStorage
{
    private static readonly IVersionedReplicaStore Nothing = new Store();

    public bool Durable => false;

    public Task<IVersionedReplicaStore> OpenAsync(ReplicaId replica, CancellationToken cancellationToken) => Task.FromResult(Nothing);

    public Task DropAsync(ReplicaId replica) => Task.CompletedTask;

    private sealed class Store : IVersionedReplicaStore
    {
        public IReadOnlyList<VersionedEntry> Loaded => [];

        public Task SaveAsync(string key, Func<byte[]?, byte[]?> current, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<VersionedEntry>> ChangedAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<VersionedEntry>>([]);

        public Task DeleteAsync(string key) => Task.CompletedTask;

        public Task DropAsync() => Task.CompletedTask;
    }
}
