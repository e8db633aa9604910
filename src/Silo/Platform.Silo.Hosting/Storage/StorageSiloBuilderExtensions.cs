using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Platform.Configuration;
using Platform.Replication;
using Platform.Sharding;
using Platform.Silo.Hosting.Storage;

namespace Platform.Silo.Hosting;

/// <summary>The storage core on the silo side: Orleans' default grain storage and <c>PubSubStore</c>.</summary>
public static class StorageSiloBuilderExtensions
{
    /// <summary>
    /// Default grain storage (state of grains that name no storage, and of blocks that map theirs onto it) and the
    /// <c>PubSubStore</c> of streams, where <see cref="ModeOf"/> says: this process's memory (embedded), Azure Table,
    /// or, for <c>Memory</c> storage in a multi-silo cluster (<c>Platform:Cluster:Provider=AdoNet</c>), the system
    /// replica group, together with the rule that namespaces there be replicated. Throws
    /// <see cref="PlatformConfigurationException"/> on a bad value.
    /// </summary>
    public static ISiloBuilder AddPlatformStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var storage = configuration.ReadValidated<PlatformStorageOptions>(PlatformStorageOptions.SectionName);
        var cluster = configuration.ReadValidated<PlatformClusterOptions>(PlatformClusterOptions.SectionName);
        silo.Services.AddPlatformOptions<PlatformStorageOptions>(PlatformStorageOptions.SectionName);
        switch (ModeOf(storage, cluster))
        {
            case GrainStateMode.Memory:
            case GrainStateMode.Volatile:
                silo.AddMemoryGrainStorageAsDefault();
                silo.AddMemoryGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
                MemoryStateSerialization.UseOrleansSerializer(silo.Services, ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
                MemoryStateSerialization.UseOrleansSerializer(silo.Services, ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
                break;
            case GrainStateMode.Replicated:
                silo.Services.AddPlatformOptions<ReplicationOptions>(ReplicationOptions.SectionName);
                silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, static (sp, _) => ActivatorUtilities.CreateInstance<ReplicatedGrainStorage>(sp));
                silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, static (sp, _) => ActivatorUtilities.CreateInstance<ReplicatedGrainStorage>(sp));
                silo.Services.AddSingleton(new NamespacePolicy { RequireReplication = ReplicationRequired });
                break;
            case GrainStateMode.Durable:
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
    /// Where grain state lives for these settings: Azure Table when configured; memory for the single-silo
    /// <c>Localhost</c> clustering; for <c>Memory</c> in a multi-silo cluster the system replica group (a silo's memory
    /// alone would lose what it holds when it stops), unless the test-only <c>AllowVolatileInCluster</c> asks for the
    /// silos' own memory.
    /// </summary>
    public static GrainStateMode ModeOf(PlatformStorageOptions storage, PlatformClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(cluster);
        return storage.Provider switch
        {
            StorageProvider.AzureTable => GrainStateMode.Durable,
            _ when cluster.Provider == ClusterProvider.Localhost => GrainStateMode.Memory,
            _ when storage.AllowVolatileInCluster => GrainStateMode.Volatile,
            _ => GrainStateMode.Replicated,
        };
    }

    /// <summary>Why a namespace must be replicated on a cluster in <see cref="GrainStateMode.Replicated"/> mode (the 400 of a create without it).</summary>
    public const string ReplicationRequired =
        "is required on this cluster: it runs on memory storage (Platform:Storage:Provider=Memory with Platform:Cluster:Provider=AdoNet), where a shard grain " +
        "would keep its keys in one silo's memory and lose them with it; only a replicated namespace keeps acknowledged writes there " +
        "(e.g. \"replication\": {\"mode\": \"leader\", \"replicas\": 3}), or run the cluster on Platform:Storage:Provider=AzureTable";
}
