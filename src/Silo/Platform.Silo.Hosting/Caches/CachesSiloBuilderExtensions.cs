using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Caches;
using Platform.Configuration;
using Platform.KeyValue;
using Platform.Silo.Hosting.Caches;

namespace Platform.Silo.Hosting;

/// <summary>The caches block on the silo side: cache settings, the catalog and the shards (<see cref="CacheShardGrain"/>).</summary>
public static class CachesSiloBuilderExtensions
{
    /// <summary>
    /// The limits (<c>Platform:Caches</c>), checked when the host starts; the shards' source client
    /// (<see cref="CacheSourceClient"/>: the typed key-value client and a resilient HTTP client) unless the host
    /// registered one itself. Settings and the catalog live in the default grain storage; entries in memory only.
    /// </summary>
    public static ISiloBuilder AddPlatformCaches(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        silo.Services.AddPlatformOptions<CachesOptions>(CachesOptions.SectionName);
        silo.Services.AddSingleton<CacheMetrics>();
        silo.Services.AddKeyValueClient(configuration);
        silo.Services.AddHttpClient(CacheSourceClient.HttpClientName).AddStandardResilienceHandler();
        silo.Services.TryAddSingleton<ICacheSourceClient, CacheSourceClient>();
        return silo;
    }
}
