namespace Platform.Caches;

/// <summary>What to drop from a cache: these keys, every entry with one of these tags, every key with this prefix.</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheInvalidation")]
public sealed record CacheInvalidation
{
    [Id(0)] public IReadOnlyList<string> Keys { get; init; } = [];

    [Id(1)] public IReadOnlyList<string> Tags { get; init; } = [];

    [Id(2)] public string? Prefix { get; init; }
}
