using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.Testing.Cluster;

/// <summary>One silo slot of a <see cref="PlatformTestCluster"/>: fixed ports, and its current host (replaced on restart).</summary>
public sealed class TestSilo
{
    internal TestSilo(int index, int siloPort, int gatewayPort)
    {
        Index = index;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public int Index { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>The running host; null before start and after a stop.</summary>
    public IHost? Host { get; internal set; }

    public bool IsRunning => Host is not null;

    public IServiceProvider Services => Running.Services;

    /// <summary>The silo's address as membership and <c>LeaseView.Silo</c> report it.</summary>
    public SiloAddress SiloAddress => Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    public SiloAddress GatewayAddress => Services.GetRequiredService<ILocalSiloDetails>().GatewayAddress;

    private IHost Running => Host ?? throw new InvalidOperationException($"{this} is not running.");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"silo {Index} (127.0.0.1:{SiloPort}, gateway {GatewayPort}{(IsRunning ? "" : ", stopped")})");
}
