using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
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

        var options = builder.Configuration.ReadValidated<PlatformSiloOptions>(PlatformSiloOptions.SectionName);
        builder.UseOrleans(silo =>
        {
            silo.UsePlatformClustering(builder.Configuration)
                .AddPlatformGrains(builder.Configuration);
            if (options.Dashboard)
            {
                silo.AddDashboard();
            }

            if (options.Kubernetes)
            {
                // Pod name, namespace and IP from the downward API; labels its pod and deletes pods of dead silos.
                silo.UseKubernetesHosting();
            }
        });
        return builder;
    }

    /// <summary>
    /// The Orleans dashboard at <c>/dashboard</c> when this host runs a silo with <c>Platform:Silo:Dashboard</c> on
    /// (the default); nothing otherwise (an external client host links to a silo's).
    /// </summary>
    public static WebApplication MapPlatformDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<ILocalSiloDetails>() is not null
            && app.Services.GetRequiredService<IOptions<PlatformSiloOptions>>().Value.Dashboard)
        {
            // An operator page, not an API route: left out of the API document, as /console and /metrics are.
            app.MapOrleansDashboard(routePrefix: "/dashboard").ExcludeFromDescription();
        }

        return app;
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
        .AddPlatformSagas(configuration)
        .AddPlatformDiscovery(configuration);
}
