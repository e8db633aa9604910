using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Client;
using Platform.KeyValue;
using Platform.Replication;

namespace Platform.Sharding;

public static class ShardingClientExtensions
{
    /// <summary>
    /// Namespaces and routing: <see cref="INamespaceAdmin"/> and the namespace router every sharded block routes
    /// through (limits from <c>Platform:KeyValue</c>).
    /// </summary>
    public static IServiceCollection AddShardingClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddClientOptions<KeyValueOptions>(configuration, KeyValueOptions.SectionName);
        services.AddReplicationClient(configuration);
        services.TryAddSingleton<HashRingCache>();
        services.TryAddSingleton<NamespaceRouter>();
        services.TryAddSingleton<INamespaceAdmin, NamespaceAdmin>();
        return services;
    }
}
