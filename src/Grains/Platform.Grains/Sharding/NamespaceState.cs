namespace Platform.Sharding;

[GenerateSerializer, Alias("Platform.NamespaceState")]
public sealed record NamespaceState
{
    /// <summary>The live namespace, or null if none.</summary>
    [Id(0)] public NamespaceSettings? Current { get; set; }

    /// <summary>The last generation handed out; never reused, so old shards never serve a new namespace.</summary>
    [Id(1)] public long LastGeneration { get; set; }
}
