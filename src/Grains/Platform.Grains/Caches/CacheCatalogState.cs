namespace Platform.Caches;

/// <summary>The persisted state of <see cref="CacheCatalogGrain"/>: cache names in ordinal order.</summary>
[GenerateSerializer, Alias("Platform.CacheCatalogState")]
public sealed record CacheCatalogState
{
    [Id(0)] public List<string> Names { get; init; } = [];
}
