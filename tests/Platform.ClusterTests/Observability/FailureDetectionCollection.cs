namespace Platform.ClusterTests.Observability;

/// <summary>The cluster of <see cref="FailureDetectionEventsTests"/>.</summary>
[CollectionDefinition(Name)]
public sealed class FailureDetectionCollection : ICollectionFixture<FailureDetectionCluster>
{
    public const string Name = "FailureDetection";
}
