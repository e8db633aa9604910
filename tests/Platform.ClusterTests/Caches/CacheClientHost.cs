using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Caches;
using Platform.Client;
using Platform.ClusterTests.Harness;

namespace Platform.ClusterTests.Caches;

/// <summary>
/// A typed client (<see cref="ICaches"/>, with its near caches) in the test process, as an application would set it
/// up, whose only gateway is one silo of a <see cref="ProcessCluster"/>: SIGKILL that silo and the client is cut off
/// until the slot restarts on the same ports, then it reconnects.
/// </summary>
internal sealed class CacheClientHost : IAsyncDisposable
{
    private readonly IHost _host;

    private CacheClientHost(IHost host) => _host = host;

    public ICaches Caches => _host.Services.GetRequiredService<ICaches>();

    /// <summary>How often this client's near cache of <paramref name="cache"/> dropped a shard's copies: a sequence gap seen, or a check that failed.</summary>
    public (long Gaps, long Unreachable) Detections(string cache) =>
        _host.Services.GetRequiredService<DistributedCaches>().NearCacheOf(cache) is { } near ? (near.GapsSeen, near.UnreachableSeen) : (0, 0);

    public static async Task<CacheClientHost> StartAsync(ProcessCluster cluster, int siloIndex, int nearCacheCheckMs)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Platform:Cluster:Provider"] = "Localhost",
            ["Platform:Cluster:ClusterId"] = cluster.ClusterId,
            ["Platform:Cluster:ServiceId"] = cluster.ServiceId,
            ["Platform:Client:Embedded"] = "false",
            ["Platform:Client:Gateways:0"] = $"127.0.0.1:{cluster.Silos[siloIndex].GatewayPort}",
            ["Platform:Caches:NearCacheCheckMs"] = nearCacheCheckMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddPlatformClusterClient();
        builder.Services.AddPlatformClient(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new CacheClientHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
