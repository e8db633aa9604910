namespace Platform.Sharding;

[GenerateSerializer, Alias("Platform.NamespaceState")]
public sealed record NamespaceState
{
    /// <summary>The live namespace, or null if none.</summary>
    [Id(0)] public NamespaceSettings? Current { get; set; }

    /// <summary>The last generation handed out; never reused, so old shards never serve a new namespace.</summary>
    [Id(1)] public long LastGeneration { get; set; }

    /// <summary>
    /// A delete under way: the settings of the namespace whose shards are still to drop and whose catalog entry is
    /// still to remove. Set together with clearing <see cref="Current"/>, cleared when both are done; a retried
    /// delete, a create of the same name or a new activation finishes it first.
    /// </summary>
    [Id(2)] public NamespaceSettings? Deleting { get; set; }
}
