using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Configuration;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Silo.Hosting.KeyValue;
using Platform.Silo.Hosting.Storage;

namespace Platform.Silo.Hosting;

/// <summary>The key-value block on the silo side.</summary>
public static class KeyValueSiloBuilderExtensions
{
    /// <summary>
    /// The shards' <see cref="IShardStorage"/> in the provider <c>Platform:Storage:Provider</c> names, unless the host
    /// registered one itself (test clusters share one across silos), and the limits (<c>Platform:KeyValue</c>),
    /// checked when the host starts, against the provider's own value limit included.
    /// </summary>
    public static ISiloBuilder AddPlatformKeyValue(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var storage = configuration.ReadValidated<PlatformStorageOptions>(PlatformStorageOptions.SectionName);
        silo.Services.AddPlatformOptions<KeyValueOptions>(KeyValueOptions.SectionName);
        silo.Services.AddSingleton<KeyValueMetrics>();
        switch (storage.Provider)
        {
            case StorageProvider.Memory:
                silo.Services.TryAddSingleton<IShardStorage, MemoryShardStorage>();
                break;
            case StorageProvider.AzureTable:
                var connectionString = storage.ConnectionString!;
                silo.Services.TryAddSingleton<IShardStorage>(_ => new AzureTableShardStorage(new TableServiceClient(connectionString), storage.ShardTableName));
                silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyValueOptions>, AzureTableValueLimitValidator>());
                break;
        }

        return silo;
    }
}
