using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Replication;

/// <summary>One memory-storage three-silo process cluster shared by the replication fault tests on memory storage.</summary>
[CollectionDefinition(Name)]
public sealed class MemoryReplicationCollection : ICollectionFixture<MemoryThreeSiloCluster>
{
    public const string Name = "MemoryReplicationCluster";
}

/// <summary>The replication fault suite on memory storage: replication alone keeps the acknowledged writes.</summary>
[Collection(MemoryReplicationCollection.Name)]
public sealed class MemoryReplicationFaultTests(MemoryThreeSiloCluster cluster, ITestOutputHelper output) : ReplicationFaultTests(cluster, output);

/// <summary>The replication fault suite on Azure Table storage (replicas persist term, vote and log), on the shared three-silo cluster.</summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class AzureTableReplicationFaultTests(ThreeSiloCluster cluster, ITestOutputHelper output) : ReplicationFaultTests(cluster, output);
