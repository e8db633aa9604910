namespace Platform.Tests.Infrastructure;

/// <summary>Tests that share one <see cref="AzureTableLeaseClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class AzureTableLeaseClusterCollection : ICollectionFixture<AzureTableLeaseClusterFixture>
{
    public const string Name = "azure-table-lease-cluster";
}
