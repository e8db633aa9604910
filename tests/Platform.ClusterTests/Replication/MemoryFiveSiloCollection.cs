using Platform.ClusterTests.Harness;

namespace Platform.ClusterTests.Replication;

/// <summary>One memory-storage five-silo process cluster for groups of five replicas.</summary>
[CollectionDefinition(Name)]
public sealed class MemoryFiveSiloCollection : ICollectionFixture<MemoryFiveSiloCluster>
{
    public const string Name = "MemoryFiveSiloCluster";
}
