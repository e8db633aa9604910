namespace Platform.Tests.Infrastructure;

/// <summary>Tests that share one <see cref="ClusterFixture"/> (Memory, two silos, system clock).</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
