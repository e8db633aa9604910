namespace Platform.Tests.Observability;

/// <summary>Tests that share one <see cref="ObservabilityFixture"/> (the embedded host on Kestrel, traces recorded).</summary>
[CollectionDefinition(Name)]
public sealed class ObservabilityCollection : ICollectionFixture<ObservabilityFixture>
{
    public const string Name = "observability";
}
