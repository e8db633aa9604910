using Platform.Testing.Cluster;
using Platform.Testing.Storage;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// The shared cluster of most tests: two silos on Memory storage (shard and lease state shared by the silos, so it
/// outlives either), the system clock, and the HTTP client host connected over the silos' TCP gateways.
/// </summary>
public sealed class ClusterFixture : PlatformClusterFixture
{
    private readonly MemoryStores _stores = new();

    /// <summary>This cluster's lease state, for tests that play another activation writing behind a grain's back.</summary>
    public SharedGrainStore LeaseStore => _stores.Leases;

    /// <summary>This cluster's event-log grain state (topics, groups, share groups), for the same kind of test.</summary>
    public SharedGrainStore EventLogStore => _stores.EventLog;

    protected override PlatformTestClusterOptions CreateOptions() => new()
    {
        Silos = 2,
        Storage = StorageMode.Memory,
        MemoryStores = _stores,
        Settings = CommonSettings(),
    };
}
