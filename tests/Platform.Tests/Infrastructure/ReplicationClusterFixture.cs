using Platform.Testing.Cluster;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// Three silos on Memory storage for replicated namespaces: a group of three replicas can have one on each silo.
/// Raft ticks are short (20 ms) so that elections and failovers take a fraction of a second; quorum and
/// multi-leader replicas run anti-entropy every 500 ms.
/// </summary>
public sealed class ReplicationClusterFixture : PlatformClusterFixture
{
    protected override PlatformTestClusterOptions CreateOptions() => new()
    {
        Silos = 3,
        Storage = StorageMode.Memory,
        Settings = new Dictionary<string, string?>(CommonSettings())
        {
            ["Platform:Replication:TickInterval"] = "00:00:00.020",
            ["Platform:Replication:RebalanceInterval"] = "00:00:02",
            ["Platform:Replication:AntiEntropyInterval"] = "00:00:00.500",
        },
    };
}
