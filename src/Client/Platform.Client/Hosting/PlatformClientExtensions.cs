using Platform.Sharding;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Platform.Caches;
using Platform.Client.Cluster;
using Platform.Configuration;
using Platform.Discovery;
using Platform.EventLog;
using Platform.KeyValue;
using Platform.Locks;
using Platform.Sagas;
using Platform.Transactions;
using Platform.Telemetry;

namespace Platform.Client;

public static class PlatformClientExtensions
{
    /// <summary>
    /// Registers the typed client of every building block over the <c>IClusterClient</c> in the container (one from
    /// <see cref="AddPlatformClusterClient"/> or a co-hosted silo). Each block registers itself; this only calls them.
    /// </summary>
    public static IServiceCollection AddPlatformClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddShardingClient(configuration);
        services.AddKeyValueClient(configuration);
        services.AddTransactionsClient(configuration);
        services.AddLocksClient(configuration);
        services.AddEventLogClient(configuration);
        services.AddCachesClient(configuration);
        services.AddSagasClient(configuration);
        services.AddDiscoveryClient(configuration);
        services.AddClusterClient(configuration);
        return services;
    }

    /// <summary>
    /// Connects this host to an external Platform cluster as an Orleans client, from <c>Platform:Cluster</c> and
    /// <c>Platform:Client</c>. Throws <see cref="PlatformConfigurationException"/> on a bad value.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformClusterClient(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.ReadValidated<PlatformClusterOptions>(PlatformClusterOptions.SectionName);
        var client = builder.Configuration.ReadValidated<PlatformClientOptions>(PlatformClientOptions.SectionName);
        builder.UseOrleansClient(c =>
        {
            c.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            if (cluster.Provider == ClusterProvider.AdoNet)
            {
                // Gateways are the Active silos in the PostgreSQL membership table, re-read every GatewayListRefreshPeriod.
                c.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = cluster.ConnectionString;
                });
            }
            else
            {
                var gateways = client.Gateways.Length > 0
                    ? client.Gateways.Select(IPEndPoint.Parse).ToArray()
                    : [new IPEndPoint(IPAddress.Loopback, 30000)];
                c.UseStaticClustering(gateways);
            }

            c.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = cluster.FailureDetection.GatewayListRefreshPeriod);

            // Connecting at start-up: keep trying (the silos may start after us) until ConnectTimeout has passed.
            var deadline = DateTime.UtcNow + client.ConnectTimeout;
            c.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                if (DateTime.UtcNow >= deadline)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                return true;
            });

            c.UseTransactions();
            c.AddActivityPropagation();
            c.Services.AddSingleton<GrainCallMetrics>();
            c.AddOutgoingGrainCallFilter<ClientCallMetricsFilter>();
        });
        return builder;
    }
}
