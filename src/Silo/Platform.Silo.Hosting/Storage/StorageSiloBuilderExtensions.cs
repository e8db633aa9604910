using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Orleans.Providers;
using Platform.Configuration;
using Platform.Silo.Hosting.Storage;

namespace Platform.Silo.Hosting;

/// <summary>The storage core on the silo side: Orleans' default grain storage and <c>PubSubStore</c>.</summary>
public static class StorageSiloBuilderExtensions
{
    /// <summary>
    /// Default grain storage (state of grains that name no storage, and of blocks that map theirs onto it) and the
    /// <c>PubSubStore</c> of streams, in the provider <c>Platform:Storage:Provider</c> names. Throws
    /// <see cref="PlatformConfigurationException"/> on a bad value, and for <c>Memory</c> storage in a multi-silo
    /// cluster (<c>Platform:Cluster:Provider=AdoNet</c>) unless <c>Platform:Storage:AllowVolatileInCluster</c> (test
    /// only): until replica groups exist, a silo's memory is the only copy of what it holds.
    /// </summary>
    public static ISiloBuilder AddPlatformStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var storage = configuration.ReadValidated<PlatformStorageOptions>(PlatformStorageOptions.SectionName);
        var cluster = configuration.ReadValidated<PlatformClusterOptions>(PlatformClusterOptions.SectionName);
        if (VolatileInCluster(storage, cluster) is { } refusal)
        {
            throw new PlatformConfigurationException(refusal);
        }

        silo.Services.AddPlatformOptions<PlatformStorageOptions>(PlatformStorageOptions.SectionName);
        switch (storage.Provider)
        {
            case StorageProvider.Memory:
                silo.AddMemoryGrainStorageAsDefault();
                silo.AddMemoryGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
                break;
            case StorageProvider.AzureTable:
                var connectionString = storage.ConnectionString!;
                silo.AddAzureTableGrainStorageAsDefault(o =>
                {
                    o.TableName = storage.GrainStateTableName;
                    o.TableServiceClient = new TableServiceClient(connectionString);
                });
                silo.AddAzureTableGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, o =>
                {
                    o.TableName = storage.GrainStateTableName;
                    o.TableServiceClient = new TableServiceClient(connectionString);
                });
                break;
        }

        return silo;
    }

    /// <summary>
    /// The one line refusing <c>Memory</c> storage on a silo of a multi-silo cluster (null when the combination is
    /// fine: durable storage, the single-silo <c>Localhost</c> clustering, or the test-only opt-in).
    /// </summary>
    public static string? VolatileInCluster(PlatformStorageOptions storage, PlatformClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(cluster);
        return storage.Provider == StorageProvider.Memory && cluster.Provider != ClusterProvider.Localhost && !storage.AllowVolatileInCluster
            ? $"{PlatformStorageOptions.SectionName}:Provider is Memory (the default) but {PlatformClusterOptions.SectionName}:Provider is {cluster.Provider}: "
                + "in a multi-silo cluster a silo's memory is the only copy of what it holds, so stopping one loses whole namespaces, locks and transactions. "
                + $"Set {PlatformStorageOptions.SectionName}:Provider=AzureTable and {PlatformStorageOptions.SectionName}:ConnectionString "
                + $"(test rigs only: {PlatformStorageOptions.SectionName}:AllowVolatileInCluster=true)."
            : null;
    }
}
