using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

namespace Platform.Client.Cluster;

internal sealed class ClusterAdmin(IClusterClient client, IServiceProvider services, IOptions<ClusterOptions> clusterOptions) : IClusterAdmin
{
    private static readonly TimeSpan StatisticsTimeout = TimeSpan.FromSeconds(3);

    public async Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        var entries = await management.GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken);

        var active = entries.Where(e => e.Status == SiloStatus.Active).Select(e => e.SiloAddress).ToArray();
        var activations = new Dictionary<SiloAddress, int>();
        if (active.Length > 0)
        {
            try
            {
                var statistics = await management.GetRuntimeStatistics(active).WaitAsync(StatisticsTimeout, cancellationToken);
                for (var i = 0; i < active.Length && i < statistics.Length; i++)
                {
                    activations[active[i]] = statistics[i].ActivationCount;
                }
            }
            catch (Exception ex) when (ClusterErrors.IsTransient(ex))
            {
                // A silo that is going away: report its row without a count rather than fail the whole answer.
            }
        }

        var silos = Rows(entries, activations);
        var (gateways, embedded) = await GatewaysAsync(cancellationToken);
        return new ClusterStatus(clusterOptions.Value.ClusterId, silos, gateways, embedded);
    }

    public async Task<IReadOnlyList<ClusterSilo>> GetSilosAsync(CancellationToken cancellationToken = default) =>
        Rows(await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken), []);

    private static List<ClusterSilo> Rows(MembershipEntry[] entries, Dictionary<SiloAddress, int> activations) =>
        entries
            .OrderByDescending(e => e.StartTime)
            .Select(e => new ClusterSilo(
                Endpoint(e.SiloAddress.Endpoint.Address.ToString(), e.SiloAddress.Endpoint.Port),
                e.SiloAddress.Generation,
                e.SiloName,
                e.Status.ToString(),
                e.ProxyPort > 0 ? Endpoint(e.SiloAddress.Endpoint.Address.ToString(), e.ProxyPort) : null,
                Utc(e.StartTime),
                Utc(e.IAmAliveTime),
                activations.TryGetValue(e.SiloAddress, out var count) ? count : null,
                [.. (e.SuspectTimes ?? []).OrderBy(t => t.Item2).Select(t => new ClusterSuspicion(
                    Endpoint(t.Item1.Endpoint.Address.ToString(), t.Item1.Endpoint.Port), Utc(t.Item2)))]))
            .ToList();

    private async Task<(IReadOnlyList<string>, bool)> GatewaysAsync(CancellationToken cancellationToken)
    {
        // Embedded: the co-hosted silo is this client's only way in.
        if (services.GetService<ILocalSiloDetails>() is { } local)
        {
            var gateway = local.GatewayAddress ?? local.SiloAddress;
            return ([Endpoint(gateway.Endpoint.Address.ToString(), gateway.Endpoint.Port)], true);
        }

        if (services.GetService<IGatewayListProvider>() is { } provider)
        {
            var uris = await provider.GetGateways().WaitAsync(cancellationToken);
            return ([.. uris.Select(u => Endpoint(u.Host, u.Port)).Distinct().Order(StringComparer.Ordinal)], false);
        }

        return ([], false);
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    private static string Endpoint(string address, int port) => string.Create(CultureInfo.InvariantCulture, $"{address}:{port}");
}
