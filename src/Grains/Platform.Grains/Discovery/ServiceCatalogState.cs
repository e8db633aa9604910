namespace Platform.Discovery;

/// <summary>What the catalog grain persists: the names of services with instances.</summary>
[GenerateSerializer, Alias("Platform.Discovery.ServiceCatalogState")]
public sealed record ServiceCatalogState
{
    [Id(0)] public SortedSet<string> Names { get; init; } = new(StringComparer.Ordinal);
}
