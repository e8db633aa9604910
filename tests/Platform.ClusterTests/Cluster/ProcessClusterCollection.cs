using Platform.ClusterTests.Harness;

namespace Platform.ClusterTests.Cluster;

/// <summary>One three-silo process cluster shared by every fault test; tests restore it with EnsureHealthyAsync.</summary>
[CollectionDefinition(Name)]
public sealed class ProcessClusterCollection : ICollectionFixture<ThreeSiloCluster>
{
    public const string Name = "ProcessCluster";
}
