namespace Platform.Caches;

/// <summary>The outcome of a set: applied (with the new version), or why not (with the current version).</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheSetResult")]
public sealed record CacheSetResult
{
    [Id(0)] public CacheSetStatus Status { get; init; }

    [Id(1)] public long Version { get; init; }

    [Id(2)] public bool Created { get; init; }

    [Id(3)] public long? SourceVersion { get; init; }
}
