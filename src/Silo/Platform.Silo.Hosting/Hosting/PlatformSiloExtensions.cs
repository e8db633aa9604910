using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;
using Orleans.Transactions.Abstractions;
using Platform.Configuration;
using Platform.Silo.Hosting.Cluster;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Locks;
using Platform.Transactions;
using Platform.Transactions.Storage;

namespace Platform.Silo.Hosting;

public static class PlatformSiloExtensions
{
    /// <summary>The ADO.NET invariant of PostgreSQL (Npgsql).</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Makes this host a Platform silo: clustering, failure detection and endpoints from <c>Platform:Cluster</c> and
    /// <c>Platform:Silo</c>, then everything <see cref="AddPlatformGrains"/> adds. Throws
    /// <see cref="PlatformConfigurationException"/> on a bad value.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformSilo(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.ReadValidated<PlatformClusterOptions>(PlatformClusterOptions.SectionName);
        var silo = builder.Configuration.ReadValidated<PlatformSiloOptions>(PlatformSiloOptions.SectionName);

        // SIGTERM: the host stops Orleans, which deactivates grains and marks this silo Dead in the table itself.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = silo.ShutdownTimeout);

        if (cluster.Provider == ClusterProvider.AdoNet && cluster.InitializeSchema)
        {
            // Registered before UseOrleans: hosted services start in order, so the schema exists before the silo joins.
            var connectionString = cluster.ConnectionString!;
            builder.Services.AddHostedService(sp => new PostgresSchemaInitializer(connectionString, sp.GetRequiredService<ILogger<PostgresSchemaInitializer>>()));
        }

        builder.UseOrleans(siloBuilder =>
        {
            if (cluster.Provider == ClusterProvider.AdoNet)
            {
                siloBuilder.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });
                siloBuilder.ConfigureEndpoints(IPAddress.Parse(silo.AdvertisedAddress), silo.Port, silo.GatewayPort);
                siloBuilder.UseAdoNetClustering(o =>
                {
                    o.Invariant = PostgresInvariant;
                    o.ConnectionString = cluster.ConnectionString;
                });
            }
            else
            {
                siloBuilder.UseLocalhostClustering(silo.Port, silo.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
                siloBuilder.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Parse(silo.AdvertisedAddress));
            }

            siloBuilder.Configure<ClusterMembershipOptions>(o => ApplyFailureDetection(o, cluster.FailureDetection));
            siloBuilder.AddPlatformGrains(builder.Configuration);
        });
        return builder;
    }

    /// <summary>
    /// Everything a silo needs to host Platform's grains except clustering: storage, reminders, transactions, options.
    /// Test clusters call this directly and bring their own clustering.
    /// </summary>
    public static ISiloBuilder AddPlatformGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = configuration.ReadValidated<PlatformStorageOptions>(PlatformStorageOptions.SectionName);
        var keyValue = configuration.ReadValidated<KeyValueOptions>(KeyValueOptions.SectionName);
        var cluster = configuration.ReadValidated<PlatformClusterOptions>(PlatformClusterOptions.SectionName);
        configuration.ReadValidated<LockOptions>(LockOptions.SectionName);

        switch (storage.Provider)
        {
            case StorageProvider.Memory:
                silo.AddMemoryGrainStorageAsDefault();
                silo.AddMemoryGrainStorage("PubSubStore");
                silo.Services.TryAddSingleton<IShardStorage, MemoryShardStorage>();

                // Transactional shards: Orleans wraps this grain storage as their transactional state storage.
                silo.AddMemoryGrainStorage(TransactionStorage.Name);
                break;
            case StorageProvider.AzureTable:
                if (keyValue.MaxValueBytes > AzureTableShardStorage.MaxValueBytes)
                {
                    throw new PlatformConfigurationException(
                        $"{KeyValueOptions.SectionName}:MaxValueBytes must be at most {AzureTableShardStorage.MaxValueBytes} with {PlatformStorageOptions.SectionName}:Provider=AzureTable (got {keyValue.MaxValueBytes}).");
                }

                var connectionString = storage.ConnectionString!;
                silo.AddAzureTableGrainStorageAsDefault(o =>
                {
                    o.TableName = storage.GrainStateTableName;
                    o.TableServiceClient = new TableServiceClient(connectionString);
                });
                silo.AddAzureTableGrainStorage("PubSubStore", o =>
                {
                    o.TableName = storage.GrainStateTableName;
                    o.TableServiceClient = new TableServiceClient(connectionString);
                });
                silo.Services.TryAddSingleton<IShardStorage>(_ => new AzureTableShardStorage(new TableServiceClient(connectionString), storage.ShardTableName));

                // Transactional shards: Platform's own Azure Table transactional state storage.
                silo.AddPlatformTableTransactionalStorage(connectionString, storage.TransactionalStateTableName);
                break;
        }

        if (cluster.Provider == ClusterProvider.AdoNet)
        {
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = PostgresInvariant;
                o.ConnectionString = cluster.ConnectionString;
            });
        }
        else
        {
            silo.UseInMemoryReminderService();
        }

        silo.UseTransactions();
        silo.AddActivityPropagation();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddOptions<KeyValueOptions>().Bind(configuration.GetSection(KeyValueOptions.SectionName));
        silo.Services.AddOptions<LockOptions>().Bind(configuration.GetSection(LockOptions.SectionName));

        // Lease state (locks, semaphores, elections) lives in the default grain storage unless a host registers
        // storage under LockGrain.StorageName itself (the test cluster does, to outlive any one silo).
        silo.Services.TryAddKeyedSingleton<IGrainStorage>(LockGrain.StorageName,
            static (sp, _) => sp.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        return silo;
    }

    /// <summary>Copies Platform's failure-detection settings onto Orleans' membership options.</summary>
    public static void ApplyFailureDetection(ClusterMembershipOptions options, FailureDetectionOptions detection)
    {
        options.ProbeTimeout = detection.ProbeTimeout;
        options.NumMissedProbesLimit = detection.NumMissedProbesLimit;
        options.NumVotesForDeathDeclaration = detection.NumVotesForDeathDeclaration;
        options.TableRefreshTimeout = detection.TableRefreshTimeout;
        options.DeathVoteExpirationTimeout = detection.DeathVoteExpirationTimeout;
        options.IAmAliveTablePublishTimeout = detection.IAmAliveTablePublishTimeout;
    }

    /// <summary>
    /// Platform's own Azure Table transactional state storage under <see cref="TransactionStorage.Name"/> (the name transactional
    /// shards' <c>[TransactionalState]</c> uses); Orleans' Azure transactions package is not used.
    /// </summary>
    public static ISiloBuilder AddPlatformTableTransactionalStorage(this ISiloBuilder silo, string connectionString, string tableName = TableTransactionalStateStorageFactory.DefaultTableName)
    {
        silo.Services.AddKeyedSingleton<ITransactionalStateStorageFactory>(TransactionStorage.Name, (sp, _) => new TableTransactionalStateStorageFactory(
            new TableServiceClient(connectionString),
            sp.GetRequiredService<Orleans.Serialization.Serializer>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>(),
            tableName));
        return silo;
    }
}
