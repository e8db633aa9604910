using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Platform.Configuration;
using Platform.KeyValue;
using Platform.Transactions;

namespace Platform.Client;

public static class PlatformClientExtensions
{
    /// <summary>
    /// Registers the typed client (<see cref="IKeyValueStore"/>, <see cref="INamespaceAdmin"/>, ...) over the
    /// <c>IClusterClient</c> in the container: one from <see cref="AddPlatformClusterClient"/> or a co-hosted silo.
    /// </summary>
    public static IServiceCollection AddPlatformClient(this IServiceCollection services, IConfiguration configuration)
    {
        configuration.ReadValidated<KeyValueOptions>(KeyValueOptions.SectionName, o => o.Validate());
        services.AddOptions<KeyValueOptions>().Bind(configuration.GetSection(KeyValueOptions.SectionName));
        configuration.ReadValidated<TransactionOptions>(TransactionOptions.SectionName, o => o.Validate());
        services.AddOptions<TransactionOptions>().Bind(configuration.GetSection(TransactionOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NamespaceRouter>();
        services.TryAddSingleton<IKeyValueStore, KeyValueStore>();
        services.TryAddSingleton<INamespaceAdmin, NamespaceAdmin>();
        return services;
    }

    /// <summary>
    /// Connects this host to an external Platform cluster as an Orleans client, from <c>Platform:Cluster</c> and
    /// <c>Platform:Client</c>. Throws <see cref="PlatformConfigurationException"/> on a bad value.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformClusterClient(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.ReadValidated<PlatformClusterOptions>(PlatformClusterOptions.SectionName, o => o.Validate());
        var client = builder.Configuration.ReadValidated<PlatformClientOptions>(PlatformClientOptions.SectionName, o => o.Validate());
        if (cluster.Provider == ClusterProvider.AdoNet)
        {
            throw new PlatformConfigurationException($"{PlatformClusterOptions.SectionName}:Provider=AdoNet is not available in this build yet; use Localhost.");
        }

        var gateways = client.Gateways.Length > 0
            ? client.Gateways.Select(IPEndPoint.Parse).ToArray()
            : [new IPEndPoint(IPAddress.Loopback, 30000)];
        builder.UseOrleansClient(c =>
        {
            c.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            c.UseStaticClustering(gateways);
            c.UseTransactions();
            c.AddActivityPropagation();
        });
        return builder;
    }
}
