using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Client;
using Platform.Sharding;

namespace Platform.Caches;

public static class CachesClientExtensions
{
    /// <summary>Named caches with near caches: <see cref="ICaches"/> (<c>Platform:Caches</c>).</summary>
    public static IServiceCollection AddCachesClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddClientOptions<CachesOptions>(configuration, CachesOptions.SectionName);
        services.AddShardingClient(configuration);
        services.TryAddSingleton<DistributedCaches>();
        services.TryAddSingleton<ICaches>(sp => sp.GetRequiredService<DistributedCaches>());
        return services;
    }
}
