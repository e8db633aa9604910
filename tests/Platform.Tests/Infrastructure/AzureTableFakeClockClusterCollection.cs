namespace Platform.Tests.Infrastructure;

/// <summary>Tests that share one <see cref="AzureTableFakeClockClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class AzureTableFakeClockClusterCollection : ICollectionFixture<AzureTableFakeClockClusterFixture>
{
    public const string Name = "azure-table-fake-clock-cluster";
}
