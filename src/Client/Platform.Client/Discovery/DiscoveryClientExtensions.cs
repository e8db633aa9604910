using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Client;

namespace Platform.Discovery;

public static class DiscoveryClientExtensions
{
    /// <summary>The service registry: <see cref="IServiceDiscovery"/> (<c>Platform:Discovery</c>).</summary>
    public static IServiceCollection AddDiscoveryClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddClientOptions<DiscoveryOptions>(configuration, DiscoveryOptions.SectionName);
        services.TryAddSingleton<IServiceDiscovery, ServiceDiscoveryClient>();
        return services;
    }
}
