using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Platform.Configuration;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Transactions;
using Platform.Transactions.Storage;
using Azure.Data.Tables;
using Orleans.Transactions.Abstractions;

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

        if (storage.Provider == StorageProvider.Memory)
        {
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.Services.TryAddSingleton<IShardStorage, MemoryShardStorage>();

            // Transactional shards: Orleans wraps this grain storage as their transactional state storage.
            silo.AddMemoryGrainStorage(TxnStorage.Name);
        }
        else if (storage.Provider == StorageProvider.AzureTable)
        {
            silo.AddPlatformTableTransactionalStorage(storage.ConnectionString
                ?? throw new PlatformConfigurationException($"{PlatformStorageOptions.SectionName}:ConnectionString is required with Provider=AzureTable."));
        }

        silo.UseTransactions();
        silo.AddActivityPropagation();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddOptions<KeyValueOptions>().Bind(configuration.GetSection(KeyValueOptions.SectionName));
        return silo;
    }

    /// <summary>
    /// Platform's own Azure Table transactional state storage under <see cref="TxnStorage.Name"/> (the name transactional
    /// shards' <c>[TransactionalState]</c> uses); Orleans' Azure transactions package is not used.
    /// </summary>
    public static ISiloBuilder AddPlatformTableTransactionalStorage(this ISiloBuilder silo, string connectionString, string tableName = TableTransactionalStateStorageFactory.DefaultTableName)
    {
        silo.Services.AddKeyedSingleton<ITransactionalStateStorageFactory>(TxnStorage.Name, (sp, _) => new TableTransactionalStateStorageFactory(
            new TableServiceClient(connectionString),
            sp.GetRequiredService<Orleans.Serialization.Serializer>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>(),
            tableName));
        return silo;
    }
}
