using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Platform.Configuration;
using Platform.Silo.Hosting.Cluster;
using Platform.Telemetry;

namespace Platform.Silo.Hosting;

/// <summary>
/// The cluster block on the silo side: membership, endpoints and failure detection (<see cref="UsePlatformClustering"/>,
/// production silos only) and what every silo runs whatever its blocks (<see cref="AddPlatformCluster"/>).
/// </summary>
public static class ClusterSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant of PostgreSQL (Npgsql).</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// How this silo finds the others (<c>Platform:Cluster:Provider</c>: localhost or the PostgreSQL membership
    /// table, its schema applied first with <c>InitializeSchema</c>), its endpoints (<c>Platform:Silo</c>) and
    /// failure detection (<c>Platform:Cluster:FailureDetection</c>). Test clusters bring their own clustering instead.
    /// Throws <see cref="PlatformConfigurationException"/> on a bad value.
    /// </summary>
    public static ISiloBuilder UsePlatformClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var cluster = configuration.ReadValidated<PlatformClusterOptions>(PlatformClusterOptions.SectionName);
        var endpoints = configuration.ReadValidated<PlatformSiloOptions>(PlatformSiloOptions.SectionName);
        silo.Services.AddPlatformOptions<PlatformClusterOptions>(PlatformClusterOptions.SectionName);
        silo.Services.AddPlatformOptions<PlatformSiloOptions>(PlatformSiloOptions.SectionName);

        switch (cluster.Provider)
        {
            case ClusterProvider.AdoNet:
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });
                silo.ConfigureEndpoints(IPAddress.Parse(endpoints.AdvertisedAddress), endpoints.Port, endpoints.GatewayPort);
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = PostgresInvariant;
                    o.ConnectionString = cluster.ConnectionString;
                });
                if (cluster.InitializeSchema)
                {
                    var connectionString = cluster.ConnectionString!;
                    silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp =>
                        new PostgresSchemaInitializer(connectionString, sp.GetRequiredService<ILogger<PostgresSchemaInitializer>>()));
                }

                break;
            case ClusterProvider.Localhost:
                silo.UseLocalhostClustering(endpoints.Port, endpoints.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
                silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Parse(endpoints.AdvertisedAddress));
                break;
        }

        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure<IOptions<PlatformClusterOptions>>((o, platform) => ApplyFailureDetection(o, platform.Value.FailureDetection));
        return silo;
    }

    /// <summary>
    /// What every Platform silo runs whatever its clustering: reminders (PostgreSQL with <c>AdoNet</c>, in memory
    /// otherwise), trace context carried across grain calls, and the error boundary of Platform's grains (storage
    /// failures answer 503 with Retry-After, <see cref="PlatformErrorBoundary"/>).
    /// </summary>
    public static ISiloBuilder AddPlatformCluster(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var cluster = configuration.ReadValidated<PlatformClusterOptions>(PlatformClusterOptions.SectionName);
        switch (cluster.Provider)
        {
            case ClusterProvider.AdoNet:
                silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = PostgresInvariant;
                    o.ConnectionString = cluster.ConnectionString;
                });
                break;
            case ClusterProvider.Localhost:
                silo.UseInMemoryReminderService();
                break;
        }

        silo.AddActivityPropagation();
        silo.Services.AddSingleton<GrainCallMetrics>();
        silo.AddIncomingGrainCallFilter<GrainCallMetricsFilter>();
        silo.AddIncomingGrainCallFilter<PlatformErrorBoundary>();
        return silo;
    }

    /// <summary>Copies Platform's failure-detection settings onto Orleans' membership options.</summary>
    public static void ApplyFailureDetection(ClusterMembershipOptions options, FailureDetectionOptions detection)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(detection);
        options.ProbeTimeout = detection.ProbeTimeout;
        options.NumMissedProbesLimit = detection.NumMissedProbesLimit;
        options.NumVotesForDeathDeclaration = detection.NumVotesForDeathDeclaration;
        options.TableRefreshTimeout = detection.TableRefreshTimeout;
        options.DeathVoteExpirationTimeout = detection.DeathVoteExpirationTimeout;
        options.IAmAliveTablePublishTimeout = detection.IAmAliveTablePublishTimeout;
    }
}
