namespace Platform.Tests.Infrastructure;

/// <summary>Tests that share one <see cref="MemoryFakeClockClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class MemoryFakeClockClusterCollection : ICollectionFixture<MemoryFakeClockClusterFixture>
{
    public const string Name = "memory-fake-clock-cluster";
}
