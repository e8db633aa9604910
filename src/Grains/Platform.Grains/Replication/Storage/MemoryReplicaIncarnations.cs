using System.Collections.Concurrent;

namespace Platform.Replication.Storage;

/// <summary>
/// Incarnations counted in this process: right for a single process (the embedded silo, in-process test clusters
/// that share one instance across their silos), never for silos in separate processes.
/// </summary>
public sealed class MemoryReplicaIncarnations : IReplicaIncarnations
{
    private readonly ConcurrentDictionary<string, long> _last = new(StringComparer.Ordinal);

    public Task<long> NextAsync(ReplicaId replica, CancellationToken cancellationToken) =>
        Task.FromResult(_last.AddOrUpdate(replica.ToGrainKey(), 1, static (_, last) => last + 1));

    public Task ForgetAsync(ReplicaId replica)
    {
        _last.TryRemove(replica.ToGrainKey(), out _);
        return Task.CompletedTask;
    }
}
