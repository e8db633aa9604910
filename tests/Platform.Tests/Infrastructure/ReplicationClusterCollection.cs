namespace Platform.Tests.Infrastructure;

/// <summary>Tests that share one <see cref="ReplicationClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ReplicationClusterCollection : ICollectionFixture<ReplicationClusterFixture>
{
    public const string Name = "replication cluster";
}
