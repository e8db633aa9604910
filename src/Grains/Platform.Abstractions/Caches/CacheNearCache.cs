namespace Platform.Caches;

/// <summary>The typed client's in-process copy of a cache: on or off, how long a copy may live, how many copies per client.</summary>
[GenerateSerializer, Immutable, Alias("Platform.CacheNearCache")]
public sealed record CacheNearCache
{
    [Id(0)] public bool Enabled { get; init; }

    /// <summary>Longest a copy is served without hearing from its shard (the staleness bound when every push is lost).</summary>
    [Id(1)] public int TtlMs { get; init; } = 5_000;

    [Id(2)] public int Capacity { get; init; } = 10_000;
}
