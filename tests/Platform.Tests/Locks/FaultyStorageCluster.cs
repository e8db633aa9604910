using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using Orleans.TestingHost;
using Platform.KeyValue.Storage;
using Platform.Locks;
using Platform.Silo.Hosting;

namespace Platform.Tests.Locks;

/// <summary>
/// One in-process silo with Platform's grains on real memory storage (Orleans' memory grain storage, Platform's
/// memory shard storage) behind fault-injecting decorators: lease state (<c>locks</c>), the default grain storage
/// (namespaces, the catalog) and shard drops go through <see cref="Faults"/>. The faults are captured by the silo's
/// configuration lambda, so no static registry is involved.
/// </summary>
public sealed class FaultyStorageCluster : IAsyncLifetime
{
    private const string InnerStorage = "fault-inner";

    public StorageFaults Faults { get; } = new();

    /// <summary>The shard storage under the decorator, to check what a shard really holds.</summary>
    public MemoryShardStorage Shards { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>The grain storage under the decorators, to play another activation writing behind a grain's back.</summary>
    public IGrainStorage InnerGrainStorage => Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(InnerStorage);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureHost(host => host.Configuration.AddInMemoryCollection(
        [
            new("Platform:Locks:MinLeaseMs", "50"),
        ]));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IShardStorage>(new FaultyShardStorage(Shards, Faults));
            silo.AddMemoryGrainStorage(InnerStorage);
            silo.AddPlatformGrains(silo.Configuration);
            silo.Services.AddKeyedSingleton<IGrainStorage>(LockGrain.StorageName, (sp, _) => new FaultyGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerStorage), Faults));
            silo.Services.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => new FaultyGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerStorage), Faults));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}
