namespace Platform.Testing.Cluster;

/// <summary>Where a test cluster keeps state: the two values of <c>Platform:Storage:Provider</c>.</summary>
public enum StorageMode
{
    /// <summary>In process: a shard store and a lease store shared by the cluster's silos (see <see cref="MemoryStores"/>).</summary>
    Memory,

    /// <summary>Azure Table storage (the Azurite of scripts/test.sh) for grain, shard and transactional state.</summary>
    AzureTable,
}
