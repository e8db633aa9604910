using Microsoft.Extensions.Caching.Distributed;
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

    /// <summary>
    /// <see cref="IDistributedCache"/> on a Platform cache (<see cref="PlatformDistributedCache"/>), so ASP.NET
    /// session state, output caching and <c>HybridCache</c> (its L2) use the cluster. Needs the typed client
    /// (<c>AddPlatformClient</c>); <paramref name="configure"/> picks the cache and its spec.
    /// </summary>
    public static IServiceCollection AddPlatformDistributedCache(this IServiceCollection services, Action<PlatformDistributedCacheOptions>? configure = null)
    {
        var options = services.AddOptions<PlatformDistributedCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.RemoveAll<IDistributedCache>();
        services.AddSingleton<IDistributedCache, PlatformDistributedCache>();
        return services;
    }
}
