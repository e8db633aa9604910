using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Platform.Configuration;
using Platform.KeyValue;
using Platform.Replication;
using Platform.Replication.Placement;
using Platform.Replication.Storage;
using Platform.Silo.Hosting.Replication;
using Platform.Silo.Hosting.Storage;

namespace Platform.Silo.Hosting;

/// <summary>The replication block on the silo side: replica groups of replicated namespaces (<see cref="ReplicaGrain"/>).</summary>
public static class ReplicationSiloBuilderExtensions
{
    /// <summary>
    /// The replicas' placement (distinct silos, <see cref="ReplicaPlacementDirector"/>), their Raft state and versioned
    /// key state storage (the activation's memory, or Azure Table rows with <c>Platform:Storage:Provider=AzureTable</c>) and incarnations
    /// (PostgreSQL with <c>Platform:Cluster:Provider=AdoNet</c>, this process otherwise; Azure Table storage counts its
    /// own), unless the host registered its own (test clusters share one across silos), and the options
    /// (<c>Platform:Replication</c>), checked when the host starts.
    /// </summary>
    public static ISiloBuilder AddPlatformReplication(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var cluster = configuration.ReadValidated<PlatformClusterOptions>(PlatformClusterOptions.SectionName);
        silo.Services.AddPlatformOptions<ReplicationOptions>(ReplicationOptions.SectionName);
        silo.Services.AddSingleton<ReplicationMetrics>();
        silo.Services.AddPlatformOptions<KeyValueOptions>(KeyValueOptions.SectionName);
        silo.AddPlacementDirector<ReplicaPlacementStrategy, ReplicaPlacementDirector>();

        // Replicas only: activations on surviving silos must outlive another silo's death (see ReplicaGrain.DirectoryName).
#pragma warning disable ORLEANSEXP003 // The distributed grain directory is marked experimental in Orleans 10.
        silo.AddDistributedGrainDirectory(ReplicaGrain.DirectoryName);
#pragma warning restore ORLEANSEXP003

        // That directory holds a crashed silo's grains back from re-activating elsewhere for RangeLeaseDuration (30 s by
        // default), in case the silo still runs. Replica groups need no such hold (a second activation is a new
        // incarnation, a learner that can never vote in the old one's name), and a replacement for a lost replica
        // should start catching up at once; the option is read by the distributed directory only.
        silo.Services.AddOptions<GrainDirectoryOptions>()
            .Configure<IOptions<ReplicationOptions>>((o, replication) => o.RangeLeaseDuration = replication.Value.DirectoryLease);
        if (cluster.Provider == ClusterProvider.AdoNet)
        {
            var connectionString = cluster.ConnectionString!;
            silo.Services.TryAddSingleton<IReplicaIncarnations>(_ => new PostgresReplicaIncarnations(connectionString, cluster.ServiceId));
        }
        else
        {
            silo.Services.TryAddSingleton<IReplicaIncarnations, MemoryReplicaIncarnations>();
        }

        var storage = configuration.ReadValidated<PlatformStorageOptions>(PlatformStorageOptions.SectionName);
        switch (storage.Provider)
        {
            case StorageProvider.AzureTable:
                // Term, vote, log and snapshots in their own rows, persisted before the answer that depends on them.
                var connectionString = storage.ConnectionString!;
                silo.Services.TryAddSingleton<IReplicaStorage>(_ => new AzureTableReplicaStorage(new TableServiceClient(connectionString), storage.ReplicaTableName));

                // Quorum and multi-leader replicas: one row per key in the same table, saved before each answer.
                silo.Services.TryAddSingleton<IVersionedReplicaStorage>(_ => new AzureTableVersionedReplicaStorage(new TableServiceClient(connectionString), storage.ReplicaTableName));
                break;
            default:
                // Raft state in the activation's memory: a replica that moves or restarts is a new incarnation that
                // catches up from its group.
                silo.Services.TryAddSingleton<IReplicaStorage, MemoryReplicaStorage>();
                silo.Services.TryAddSingleton<IVersionedReplicaStorage, MemoryVersionedReplicaStorage>();
                break;
        }

        return silo;
    }
}
