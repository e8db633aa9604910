using Platform.Testing.Cluster;

namespace Platform.Tests.Infrastructure;

/// <summary>The fake-clock cluster on AzureTable storage.</summary>
public sealed class AzureTableFakeClockClusterFixture() : FakeClockClusterFixture(StorageMode.AzureTable);
