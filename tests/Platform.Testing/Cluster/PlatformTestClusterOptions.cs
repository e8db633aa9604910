using Microsoft.AspNetCore.Hosting;
using Platform.Testing.Setup;

namespace Platform.Testing.Cluster;

/// <summary>
/// What a <see cref="PlatformTestCluster"/> is made of. Everything a test wants inside the silos (a store, a fake
/// clock, a registration) is passed here as an instance or a lambda: nothing goes through static state.
/// </summary>
public sealed class PlatformTestClusterOptions
{
    /// <summary>Silos to start (the first also holds the development membership table). Default 2.</summary>
    public int Silos { get; init; } = 2;

    public StorageMode Storage { get; init; } = StorageMode.Memory;

    /// <summary>
    /// Orleans' ServiceId: grain state is keyed by it. A cluster started later with the same id and the same
    /// <see cref="TablePrefix"/> (AzureTable) or <see cref="MemoryStores"/> (Memory) reads what this one wrote.
    /// </summary>
    public string ServiceId { get; init; } = "svc" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Prefix of the Azure tables (AzureTable mode); fresh by default, so clusters never see each other's data.</summary>
    public string TablePrefix { get; init; } = "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Azure Table connection string (AzureTable mode); default the Azurite of scripts/test.sh.</summary>
    public string? AzureTablesConnectionString { get; init; }

    /// <summary>Shard and lease state of a Memory cluster; pass one instance to several clusters to keep data across them.</summary>
    public MemoryStores MemoryStores { get; init; } = new();

    /// <summary>Configuration every silo, the typed client and the HTTP host see (e.g. <c>Platform:KeyValue:MaxValueBytes</c>).</summary>
    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// The clock of Platform's grains (and their grain timers) and of the typed client, e.g. a FakeTimeProvider.
    /// Orleans' own background work (membership, messaging, directory, activation collection) stays on real time,
    /// so advancing a fake clock moves leases and caches, not the runtime. Null: the system clock.
    /// </summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Start the HTTP client host (WebApplicationFactory) as an Orleans client over real TCP gateways. Default true.</summary>
    public bool HttpHost { get; init; } = true;

    /// <summary>More silo configuration, run after Platform's own registration.</summary>
    public IList<Action<ISiloBuilder>> ConfigureSilo { get; init; } = [];

    /// <summary>More HTTP host configuration.</summary>
    public IList<Action<IWebHostBuilder>> ConfigureHttpHost { get; init; } = [];

    internal string AzureTables => AzureTablesConnectionString ?? TestServers.AzureTables;
}
