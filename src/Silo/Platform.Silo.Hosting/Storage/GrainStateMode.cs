namespace Platform.Silo.Hosting.Storage;

/// <summary>Where a silo keeps Orleans grain state (namespace settings, the catalog, locks), from the storage and cluster providers.</summary>
public enum GrainStateMode
{
    /// <summary>One process's memory: the embedded silo (<c>Localhost</c> clustering), where the process is the whole cluster.</summary>
    Memory = 0,

    /// <summary>Azure Table storage.</summary>
    Durable = 1,

    /// <summary>
    /// A multi-silo cluster on <c>Memory</c> storage: grain state in the system replica group, so it outlives any one
    /// silo; namespaces must be replicated (shard grains would keep their keys in one silo's memory).
    /// </summary>
    Replicated = 2,

    /// <summary>Test rigs only (<c>AllowVolatileInCluster</c>): each silo's own memory, lost with it.</summary>
    Volatile = 3,
}
