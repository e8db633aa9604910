using Platform.KeyValue.Storage;
using Platform.Testing.Storage;

namespace Platform.Testing.Cluster;

/// <summary>
/// The state of a <see cref="StorageMode.Memory"/> cluster that outlives any one silo, as an external store's would:
/// the key-value shards and the lease (lock, semaphore, election) state. Give the same instance to a second cluster
/// and it finds what the first one wrote.
/// </summary>
public sealed class MemoryStores
{
    public MemoryShardStorage Shards { get; } = new();

    public SharedGrainStore Leases { get; } = new();
}
