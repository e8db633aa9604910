using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Configuration;
using Platform.Discovery;
using Platform.Silo.Hosting.Discovery;

namespace Platform.Silo.Hosting;

/// <summary>The discovery block on the silo side: registries (<see cref="ServiceGrain"/>), checkers and their probes.</summary>
public static class DiscoverySiloBuilderExtensions
{
    /// <summary>
    /// The limits (<c>Platform:Discovery</c>), checked when the host starts; the probe (<see cref="HealthProbe"/>: an
    /// HTTP client that follows no redirects, and TCP connects) unless the host registered one. Registries and the
    /// catalog live in the default grain storage (Memory or Azure Table, <c>Platform:Storage:Provider</c>); TTL
    /// leases in the locks block's storage.
    /// </summary>
    public static ISiloBuilder AddPlatformDiscovery(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        silo.Services.AddPlatformOptions<DiscoveryOptions>(DiscoveryOptions.SectionName);
        silo.Services.AddSingleton<DiscoveryMetrics>();
        silo.Services.AddHttpClient(HealthProbe.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) });
        silo.Services.TryAddSingleton<IHealthProbe, HealthProbe>();
        return silo;
    }
}
