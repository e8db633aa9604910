using Platform.Testing.Cluster;
using Platform.Testing.Http;

namespace Platform.Tests.Hosting;

/// <summary>A one-silo Memory cluster with its HTTP host and small configured limits (MaxWaiters, MaxHolders, MaxPageBytes), shared by <see cref="ConfiguredLimitsTests"/>.</summary>
public sealed class LimitsClusterFixture : IAsyncLifetime
{
    public const int MaxWaiters = 2;
    public const int MaxHolders = 2;
    public const int MaxPageBytes = 1000;

    private PlatformTestCluster? _cluster;

    public PlatformApiClient Api => (_cluster ?? throw new InvalidOperationException("not started")).Api;

    public async Task InitializeAsync() => _cluster = await PlatformTestCluster.StartAsync(new()
    {
        Silos = 1,
        Settings =
        {
            ["Platform:Locks:MaxWaiters"] = $"{MaxWaiters}",
            ["Platform:Locks:MaxHolders"] = $"{MaxHolders}",
            ["Platform:KeyValue:MaxPageBytes"] = $"{MaxPageBytes}",
        },
    });

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
