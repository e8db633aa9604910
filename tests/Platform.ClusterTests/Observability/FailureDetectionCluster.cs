using Platform.ClusterTests.Harness;

namespace Platform.ClusterTests.Observability;

/// <summary>
/// Three silo processes on memory storage (PostgreSQL membership) that need two votes to declare a silo dead, so
/// a SIGKILLed silo is suspected by both survivors before it is declared dead, each vote in the membership table.
/// The client host reads the membership table every 500 ms for the console.
/// </summary>
public sealed class FailureDetectionCluster : ProcessCluster
{
    public FailureDetectionCluster()
        : base(new ProcessClusterOptions
        {
            SiloCount = 3,
            Storage = "Memory",
            IdPrefix = "fd",
            SiloSettings = { ["Platform:Cluster:FailureDetection:NumVotesForDeathDeclaration"] = "2" },
            ClientSettings = { ["Platform:Observability:MembershipPollMs"] = "500" },
        })
    {
    }
}
