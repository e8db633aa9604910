namespace Platform.Tests.Api;

/// <summary>Tests that share one <see cref="KestrelApiFixture"/> (the HTTP host on Kestrel, a one-silo Memory cluster).</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<KestrelApiFixture>
{
    public const string Name = "api";
}
