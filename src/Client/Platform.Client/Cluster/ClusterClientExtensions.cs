using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Client.Cluster;

public static class ClusterClientExtensions
{
    /// <summary>The cluster view, <see cref="IClusterAdmin"/>: membership as this client sees it. It has no options of its own.</summary>
    public static IServiceCollection AddClusterClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton<IClusterAdmin, ClusterAdmin>();
        return services;
    }
}
