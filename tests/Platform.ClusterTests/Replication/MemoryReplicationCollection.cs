using Platform.ClusterTests.Harness;

namespace Platform.ClusterTests.Replication;

/// <summary>One memory-storage three-silo process cluster shared by the replication fault tests on memory storage.</summary>
[CollectionDefinition(Name)]
public sealed class MemoryReplicationCollection : ICollectionFixture<MemoryThreeSiloCluster>
{
    public const string Name = "MemoryReplicationCluster";
}
