using Platform.Testing.Cluster;

namespace Platform.Tests.Infrastructure;

/// <summary>The lease cluster on AzureTable storage.</summary>
public sealed class AzureTableLeaseClusterFixture() : LeaseClusterFixture(StorageMode.AzureTable);
