namespace Platform.Caches;

/// <summary>The persisted state of <see cref="CacheGrain"/>: the cache as it is now, and the last generation handed out.</summary>
[GenerateSerializer, Alias("Platform.CacheState")]
public sealed record CacheState
{
    [Id(0)] public CacheSettings? Current { get; init; }

    [Id(1)] public long LastGeneration { get; init; }
}
