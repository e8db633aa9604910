namespace Platform.Tests.Infrastructure;

/// <summary>Tests that share one <see cref="MemoryLeaseClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class MemoryLeaseClusterCollection : ICollectionFixture<MemoryLeaseClusterFixture>
{
    public const string Name = "memory-lease-cluster";
}
