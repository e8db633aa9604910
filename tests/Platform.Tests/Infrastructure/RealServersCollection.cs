namespace Platform.Tests.Infrastructure;

/// <summary>Tests against the real PostgreSQL and Azurite that scripts/test.sh starts; they share one <see cref="RealServersFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RealServersCollection : ICollectionFixture<RealServersFixture>
{
    public const string Name = "real-servers";
}
