namespace Platform.Caches;

/// <summary>Where a cache loads from and writes to: a key-value namespace, or an HTTP URL template with <c>{key}</c>.</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheSource")]
public sealed record CacheSource
{
    [Id(0)] public string? Namespace { get; init; }

    /// <summary>An absolute http or https URL holding <c>{key}</c>: GET loads (404: absent), PUT writes, DELETE deletes.</summary>
    [Id(1)] public string? Http { get; init; }
}
