using Platform.EventLog.Storage;
using Platform.KeyValue.Storage;
using Platform.Replication.Storage;
using Platform.Testing.Storage;

namespace Platform.Testing.Cluster;

/// <summary>
/// The state of a <see cref="StorageMode.Memory"/> cluster that outlives any one silo, as an external store's would:
/// the key-value shards, the lease (lock, semaphore, election) state, the event log and the default grain state. Give the same instance to a second cluster
/// and it finds what the first one wrote. Also the replica incarnations, which in-process silos must share (as
/// silos in separate processes share PostgreSQL's) so that no two activations of a replica get the same one.
/// </summary>
public sealed class MemoryStores
{
    public MemoryShardStorage Shards { get; } = new();

    public SharedGrainStore Leases { get; } = new();

    public MemoryReplicaIncarnations Incarnations { get; } = new();

    /// <summary>The event log's partitions (records, heads, producer tables).</summary>
    public MemoryPartitionStorage Partitions { get; } = new();

    /// <summary>The event log's topics, topic catalog and consumer groups.</summary>
    public SharedGrainStore EventLog { get; } = new();

    /// <summary>
    /// Every other grain's state (the default storage: namespace settings and generations, the catalog). Orleans'
    /// memory grain storage keeps it in a storage grain on one silo, so a test killing that silo lost the namespaces.
    /// </summary>
    public SharedGrainStore Grains { get; } = new();
}
