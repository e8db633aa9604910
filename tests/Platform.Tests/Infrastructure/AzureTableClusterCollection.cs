namespace Platform.Tests.Infrastructure;

/// <summary>Tests that share one <see cref="AzureTableClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class AzureTableClusterCollection : ICollectionFixture<AzureTableClusterFixture>
{
    public const string Name = "azure-table-cluster";
}
