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
    /// <see cref="PlatformConfigurationException"/> on a bad value.
    /// </summary>
    public static ISiloBuilder AddPlatformStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var storage = configuration.ReadValidated<PlatformStorageOptions>(PlatformStorageOptions.SectionName);
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
}
