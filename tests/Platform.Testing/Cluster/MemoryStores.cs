using Platform.EventLog.Storage;
using Platform.KeyValue.Storage;
using Platform.Testing.Storage;

namespace Platform.Testing.Cluster;

/// <summary>
/// The state of a <see cref="StorageMode.Memory"/> cluster that outlives any one silo, as an external store's would:
/// the key-value shards, the lease (lock, semaphore, election) state and the event log. Give the same instance to a second cluster
/// and it finds what the first one wrote.
/// </summary>
public sealed class MemoryStores
{
    public MemoryShardStorage Shards { get; } = new();

    public SharedGrainStore Leases { get; } = new();

    /// <summary>The event log's partitions (records, heads, producer tables).</summary>
    public MemoryPartitionStorage Partitions { get; } = new();

    /// <summary>The event log's topics, topic catalog and consumer groups.</summary>
    public SharedGrainStore EventLog { get; } = new();
}
