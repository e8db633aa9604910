using Platform.Caches;
using Platform.Discovery;
using Platform.EventLog;
using Platform.KeyValue;
using Platform.Locks;
using Platform.Replication;
using Platform.Sagas;
using Platform.Sharding;
using Platform.Transactions;

namespace Platform.Telemetry;

/// <summary>
/// Which building block a grain call belongs to, the label its name goes under, and that name read from the grain
/// key (the part before the first '/': a namespace, topic, cache, service; never a key or an instance id).
/// </summary>
/// <param name="Block">The block's metric prefix: <c>platform.{Block}.operations</c>.</param>
/// <param name="Label">The label carrying the name (<c>namespace</c>, <c>lock</c>, <c>topic</c>, ...), or empty.</param>
/// <param name="Name">The name, or empty when the key holds none worth a label.</param>
public readonly record struct GrainCallBlock(string Block, string Label, string Name)
{
    /// <summary>The block of a call to <paramref name="grainInterface"/> on the grain keyed <paramref name="key"/>; null for grains outside Platform.</summary>
    public static GrainCallBlock? Of(Type? grainInterface, string key)
    {
        return grainInterface?.Name switch
        {
            nameof(IKeyValueShardGrain) => new("kv", "namespace", Head(key)),
            nameof(INamespaceGrain) => new("sharding", "namespace", Head(key)),
            nameof(INamespaceCatalogGrain) => new("sharding", "", ""),
            nameof(ITransactionShardGrain) => new("txn", "namespace", Head(key)),
            nameof(ITransactionCoordinatorGrain) => new("txn", "", ""),
            nameof(IReplicaGrain) => new("replication", "namespace", Head(key)),
            nameof(ILockGrain) => new("locks", "lock", key),
            nameof(ITopicGrain) or nameof(IPartitionGrain) => new("eventlog", "topic", Head(key)),
            nameof(IConsumerGroupGrain) => new("eventlog", "group", key),
            nameof(ITopicCatalogGrain) => new("eventlog", "", ""),
            nameof(ICacheGrain) or nameof(ICacheShardGrain) => new("caches", "cache", Head(key)),
            nameof(ICacheCatalogGrain) => new("caches", "", ""),
            nameof(ISagaDefinitionGrain) => new("sagas", "definition", key),
            nameof(ISagaInstanceGrain) => new("sagas", "", ""),
            nameof(IServiceGrain) or nameof(IHealthCheckGrain) => new("discovery", "service", Head(key)),
            nameof(IServiceCatalogGrain) => new("discovery", "", ""),
            _ => null,
        };
    }

    private static string Head(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? key : key[..slash];
    }
}
