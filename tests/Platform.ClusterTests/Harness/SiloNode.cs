namespace Platform.ClusterTests.Harness;

/// <summary>One silo slot of a <see cref="ProcessCluster"/>: fixed ports, and the current process (replaced on restart).</summary>
public sealed class SiloNode
{
    internal SiloNode(int index, int siloPort, int gatewayPort, int httpPort)
    {
        Index = index;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
    }

    public int Index { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public int HttpPort { get; }

    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>The silo's membership address prefix, e.g. <c>127.0.0.1:41234</c>.</summary>
    public string Endpoint => $"127.0.0.1:{SiloPort}";

    /// <summary>The current process; null before the first start.</summary>
    public PlatformProcess? Process { get; internal set; }

    /// <summary>Processes started in this slot so far (1 after the first start).</summary>
    public int Starts { get; internal set; }

    public bool IsRunning => Process is { HasExited: false };

    public override string ToString() => $"silo {Index} ({Endpoint}, gateway {GatewayPort}, http {HttpPort}, pid {Process?.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"})";
}
