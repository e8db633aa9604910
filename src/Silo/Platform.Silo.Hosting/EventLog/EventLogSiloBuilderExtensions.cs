using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Storage;
using Platform.Configuration;
using Platform.EventLog;
using Platform.EventLog.Storage;
using Platform.Silo.Hosting.Storage;

namespace Platform.Silo.Hosting;

/// <summary>The event log on the silo side: topics, partitions and consumer groups.</summary>
public static class EventLogSiloBuilderExtensions
{
    /// <summary>
    /// The partitions' <see cref="IPartitionStorage"/> in the provider <c>Platform:Storage:Provider</c> names (unless
    /// the host registered one: test clusters share one across silos), the grain storage of topics and groups under
    /// <see cref="TopicGrain.StorageName"/> (the default storage unless registered), and the limits
    /// (<c>Platform:EventLog</c>), checked when the host starts.
    /// </summary>
    public static ISiloBuilder AddPlatformEventLog(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var storage = configuration.ReadValidated<PlatformStorageOptions>(PlatformStorageOptions.SectionName);
        silo.Services.AddPlatformOptions<EventLogOptions>(EventLogOptions.SectionName);
        silo.Services.AddSingleton<EventLogMetrics>();
        silo.Services.TryAddKeyedSingleton<IGrainStorage>(TopicGrain.StorageName,
            static (sp, _) => sp.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        switch (storage.Provider)
        {
            case StorageProvider.Memory:
                silo.Services.TryAddSingleton<IPartitionStorage, MemoryPartitionStorage>();
                break;
            case StorageProvider.AzureTable:
                var connectionString = storage.ConnectionString!;
                silo.Services.TryAddSingleton<IPartitionStorage>(sp =>
                    new AzureTablePartitionStorage(new TableServiceClient(connectionString), storage.EventLogTableName, sp.GetRequiredService<Serializer>()));
                break;
        }

        return silo;
    }
}
