using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;
using Platform.Configuration;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Locks;

namespace Platform.Hosting;

public static class PlatformSiloExtensions
{
    /// <summary>
    /// Makes this host a Platform silo: clustering and endpoints from <c>Platform:Cluster</c> and <c>Platform:Silo</c>,
    /// then everything <see cref="AddPlatformGrains"/> adds. Throws <see cref="PlatformConfigurationException"/> on a bad value.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformSilo(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.ReadValidated<PlatformClusterOptions>(PlatformClusterOptions.SectionName, o => o.Validate());
        var silo = builder.Configuration.ReadValidated<PlatformSiloOptions>(PlatformSiloOptions.SectionName, o => o.Validate());
        if (cluster.Provider == ClusterProvider.AdoNet)
        {
            throw new PlatformConfigurationException($"{PlatformClusterOptions.SectionName}:Provider=AdoNet is not available in this build yet; use Localhost.");
        }

        builder.UseOrleans(siloBuilder =>
        {
            siloBuilder.UseLocalhostClustering(silo.Port, silo.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
            siloBuilder.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Parse(silo.AdvertisedAddress));
            siloBuilder.AddPlatformGrains(builder.Configuration);
        });
        return builder;
    }

    /// <summary>
    /// Everything a silo needs to host Platform's grains except clustering: storage, transactions, options.
    /// Test clusters call this directly and bring their own clustering.
    /// </summary>
    public static ISiloBuilder AddPlatformGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = configuration.ReadValidated<PlatformStorageOptions>(PlatformStorageOptions.SectionName, o => o.Validate());
        configuration.ReadValidated<KeyValueOptions>(KeyValueOptions.SectionName, o => o.Validate());
        configuration.ReadValidated<LockOptions>(LockOptions.SectionName, o => o.Validate());

        if (storage.Provider == StorageProvider.Memory)
        {
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.Services.TryAddSingleton<IShardStorage, MemoryShardStorage>();
        }

        silo.UseTransactions();
        silo.AddActivityPropagation();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddOptions<KeyValueOptions>().Bind(configuration.GetSection(KeyValueOptions.SectionName));
        silo.Services.AddOptions<LockOptions>().Bind(configuration.GetSection(LockOptions.SectionName));

        // Lease state (locks, semaphores, elections) lives in the default grain storage unless a host registers
        // storage under LeaseGrain.StorageName itself (the test cluster does, to outlive any one silo).
        silo.Services.TryAddKeyedSingleton<IGrainStorage>(LeaseGrain.StorageName,
            static (sp, _) => sp.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        return silo;
    }
}
