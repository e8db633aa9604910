namespace Platform.ClusterTests.Harness;

/// <summary>The default collection fixture: three silo processes and a client host.</summary>
public sealed class ThreeSiloCluster : ProcessCluster
{
    public ThreeSiloCluster()
        : base(new ProcessClusterOptions { SiloCount = 3, SiloSettings = { ["Platform:Sagas:ResumePeriodMs"] = "2000" } })
    {
    }
}
