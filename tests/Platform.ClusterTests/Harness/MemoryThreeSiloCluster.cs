namespace Platform.ClusterTests.Harness;

/// <summary>
/// Three silo processes and a client host on memory storage (PostgreSQL membership): the configuration in which
/// replication alone keeps acknowledged writes. Raft state is small enough to snapshot within a test
/// (<c>SnapshotEntries</c> 300), so replacements catch up by InstallSnapshot.
/// </summary>
public sealed class MemoryThreeSiloCluster : ProcessCluster
{
    public MemoryThreeSiloCluster()
        : base(Configure(new ProcessClusterOptions { SiloCount = 3, Storage = "Memory", IdPrefix = "rm" }))
    {
    }

    internal static ProcessClusterOptions Configure(ProcessClusterOptions options)
    {
        options.Settings["Platform:Replication:SnapshotEntries"] = "300";
        options.Settings["Platform:Replication:RebalanceInterval"] = "00:00:02";
        options.Settings["Platform:Replication:AntiEntropyInterval"] = "00:00:01";
        return options;
    }
}
