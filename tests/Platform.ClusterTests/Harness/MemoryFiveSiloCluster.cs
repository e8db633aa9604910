namespace Platform.ClusterTests.Harness;

/// <summary>
/// Five silo processes on memory storage, for groups of five that lose two silos; the system replica group has five
/// replicas too, so namespace settings survive the same loss.
/// </summary>
public sealed class MemoryFiveSiloCluster : ProcessCluster
{
    public MemoryFiveSiloCluster()
        : base(MemoryThreeSiloCluster.Configure(new ProcessClusterOptions { SiloCount = 5, Storage = "Memory", IdPrefix = "r5" }))
    {
        Options.Settings["Platform:Replication:SystemReplicas"] = "5";
    }
}
