using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Replication;

/// <summary>The replication fault suite on Azure Table storage (replicas persist term, vote and log), on the shared three-silo cluster.</summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class AzureTableReplicationFaultTests(ThreeSiloCluster cluster, ITestOutputHelper output) : ReplicationFaultTests(cluster, output);
