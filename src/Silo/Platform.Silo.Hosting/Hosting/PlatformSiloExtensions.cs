using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Configuration;

namespace Platform.Silo.Hosting;

/// <summary>The silo's composition root: each building block registers itself; this only calls them.</summary>
public static class PlatformSiloExtensions
{
    /// <summary>
    /// Makes this host a Platform silo: clustering, failure detection and endpoints from <c>Platform:Cluster</c> and
    /// <c>Platform:Silo</c>, then everything <see cref="AddPlatformGrains"/> adds. Throws
    /// <see cref="PlatformConfigurationException"/> on a bad value.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformSilo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // SIGTERM: the host stops Orleans, which deactivates grains and marks this silo Dead in the table itself.
        builder.Services.AddPlatformOptions<PlatformSiloOptions>(PlatformSiloOptions.SectionName);
        builder.Services.AddOptions<HostOptions>()
            .Configure<IOptions<PlatformSiloOptions>>((o, silo) => o.ShutdownTimeout = silo.Value.ShutdownTimeout);

        builder.UseOrleans(silo => silo
            .UsePlatformClustering(builder.Configuration)
            .AddPlatformGrains(builder.Configuration));
        return builder;
    }

    /// <summary>
    /// Every building block's grains with their storage, options and runtime services, clustering excepted: one
    /// line per block. Test clusters call this directly and bring their own clustering.
    /// </summary>
    public static ISiloBuilder AddPlatformGrains(this ISiloBuilder silo, IConfiguration configuration) => silo
        .AddPlatformStorage(configuration)
        .AddPlatformCluster(configuration)
        .AddPlatformSharding(configuration)
        .AddPlatformKeyValue(configuration)
        .AddPlatformReplication(configuration)
        .AddPlatformTransactions(configuration)
        .AddPlatformLocks(configuration)
        .AddPlatformEventLog(configuration)
        .AddPlatformCaches(configuration)
        .AddPlatformSagas(configuration);
}
