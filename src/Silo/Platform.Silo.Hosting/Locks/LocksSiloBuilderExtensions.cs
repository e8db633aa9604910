using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Providers;
using Orleans.Storage;
using Platform.Configuration;
using Platform.Locks;

namespace Platform.Silo.Hosting;

/// <summary>The locks block on the silo side: locks, semaphores and elections (<see cref="LockGrain"/>).</summary>
public static class LocksSiloBuilderExtensions
{
    /// <summary>
    /// The lease state storage under <see cref="LockGrain.StorageName"/>: the default grain storage unless the host
    /// registered storage under that name itself (the test cluster does, to outlive any one silo); and the limits
    /// (<c>Platform:Locks</c>), checked when the host starts.
    /// </summary>
    public static ISiloBuilder AddPlatformLocks(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        silo.Services.AddPlatformOptions<LockOptions>(LockOptions.SectionName);
        silo.Services.AddSingleton<LockMetrics>();
        silo.Services.TryAddKeyedSingleton<IGrainStorage>(LockGrain.StorageName,
            static (sp, _) => sp.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        return silo;
    }
}
