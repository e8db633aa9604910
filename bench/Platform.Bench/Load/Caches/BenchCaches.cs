using Platform.Caches;

namespace Platform.Bench.Load.Caches;

/// <summary>The caches the cache benchmarks use: one without and one with a near cache, the same otherwise.</summary>
internal static class BenchCaches
{
    public const string Plain = "bench";

    public const string Near = "bench-near";

    public static CacheSpec Spec(bool near) => new()
    {
        Shards = 16,
        Capacity = new CacheCapacity { Entries = 1_000_000 },
        NearCache = near ? new CacheNearCache { Enabled = true, TtlMs = 60_000, Capacity = 1_000_000 } : null,
    };

    /// <summary>The JSON body of <c>PUT /v1/caches/{name}</c> for <see cref="Spec"/>.</summary>
    public static string Json(bool near) => near
        ? """{"shards":16,"capacity":{"entries":1000000},"nearCache":{"enabled":true,"ttlMs":60000,"capacity":1000000}}"""
        : """{"shards":16,"capacity":{"entries":1000000}}""";
}
