using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Client;

namespace Platform.Replication;

public static class ReplicationClientExtensions
{
    /// <summary>
    /// What replicated namespaces need on the client: <see cref="ReplicaGroupClient"/> (leader routing, retries and
    /// timeouts from <c>Platform:Replication</c>). The key-value client adds it; reads and writes of replicated
    /// namespaces go through <c>IKeyValueStore</c> like any other; counters, sets and siblings of multi-leader
    /// namespaces through <see cref="IReplicatedData"/>.
    /// </summary>
    public static IServiceCollection AddReplicationClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddClientOptions<ReplicationOptions>(configuration, ReplicationOptions.SectionName);
        services.TryAddSingleton(sp => new ReplicaGroupClient(
            sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<IOptions<ReplicationOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IReplicatedData, ReplicatedData>();
        return services;
    }
}
