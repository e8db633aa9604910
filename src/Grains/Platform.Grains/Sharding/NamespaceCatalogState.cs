namespace Platform.Sharding;

[GenerateSerializer, Alias("Platform.NamespaceCatalogState")]
public sealed record NamespaceCatalogState
{
    /// <summary>Namespace names, kept sorted ordinal.</summary>
    [Id(0)] public List<string> Names { get; set; } = [];
}
