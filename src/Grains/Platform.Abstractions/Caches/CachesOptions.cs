using Platform.Configuration;

namespace Platform.Caches;

/// <summary>Limits of caches (<c>Platform:Caches</c>); checked by the typed client and, where state is involved, by the shards.</summary>
public sealed class CachesOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Caches";

    /// <summary>Most caches in a cluster. Default 1000.</summary>
    public int MaxCaches { get; set; } = 1_000;

    /// <summary>Most shards of one cache. Default 256.</summary>
    public int MaxShards { get; set; } = 256;

    /// <summary>Largest <c>capacity.entries</c> of one cache. Default 100000000.</summary>
    public long MaxEntries { get; set; } = 100_000_000;

    /// <summary>Largest value of one entry in bytes. Default 1048576 (1 MiB).</summary>
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>Longest TTL (default, per entry, sliding, near cache) in ms. Default and most 2147483647 (about 24.8 days).</summary>
    public long MaxTtlMs { get; set; } = int.MaxValue;

    /// <summary>Most tags of one entry. Default 16.</summary>
    public int MaxTagsPerEntry { get; set; } = 16;

    /// <summary>Most keys or tags in one invalidation. Default 100 (more: use a tag or a prefix).</summary>
    public int MaxInvalidateItems { get; set; } = 100;

    /// <summary>Largest <c>writeBehind.delayMs</c>. Default 60000.</summary>
    public int MaxWriteBehindDelayMs { get; set; } = 60_000;

    /// <summary>Largest <c>writeBehind.maxQueue</c> of one cache. Default 10000000.</summary>
    public int MaxWriteBehindQueue { get; set; } = 10_000_000;

    /// <summary>Largest <c>nearCache.capacity</c>. Default 1000000.</summary>
    public int MaxNearCacheEntries { get; set; } = 1_000_000;

    /// <summary>
    /// How often a near cache renews its subscription to each shard and compares sequences (a gap clears it): the
    /// staleness bound when pushes are lost without a later push showing the gap. Default 2000 ms.
    /// </summary>
    public int NearCacheCheckMs { get; set; } = 2_000;

    /// <summary>How long one source load (key-value or HTTP, retries included) may take before the readers get 503. Default 10000 ms.</summary>
    public int LoadTimeoutMs { get; set; } = 10_000;

    /// <summary>Checks every limit; returns one message per bad key, naming it.</summary>
    public IEnumerable<string> Validate()
    {
        if (MaxCaches < 1)
        {
            yield return $"{SectionName}:MaxCaches must be at least 1 (got {MaxCaches}).";
        }

        if (MaxShards is < 1 or > 4096)
        {
            yield return $"{SectionName}:MaxShards must be between 1 and 4096 (got {MaxShards}).";
        }

        if (MaxEntries < 1)
        {
            yield return $"{SectionName}:MaxEntries must be at least 1 (got {MaxEntries}).";
        }

        if (MaxValueBytes is < 1 or > 64 * 1024 * 1024)
        {
            yield return $"{SectionName}:MaxValueBytes must be between 1 and 67108864 (got {MaxValueBytes}).";
        }

        if (MaxTtlMs is < 1 or > int.MaxValue)
        {
            yield return $"{SectionName}:MaxTtlMs must be between 1 and {int.MaxValue} (got {MaxTtlMs}).";
        }

        if (MaxTagsPerEntry is < 0 or > 1000)
        {
            yield return $"{SectionName}:MaxTagsPerEntry must be between 0 and 1000 (got {MaxTagsPerEntry}).";
        }

        if (MaxInvalidateItems < 1)
        {
            yield return $"{SectionName}:MaxInvalidateItems must be at least 1 (got {MaxInvalidateItems}).";
        }

        if (MaxWriteBehindDelayMs < 1)
        {
            yield return $"{SectionName}:MaxWriteBehindDelayMs must be at least 1 (got {MaxWriteBehindDelayMs}).";
        }

        if (MaxWriteBehindQueue < 1)
        {
            yield return $"{SectionName}:MaxWriteBehindQueue must be at least 1 (got {MaxWriteBehindQueue}).";
        }

        if (MaxNearCacheEntries < 1)
        {
            yield return $"{SectionName}:MaxNearCacheEntries must be at least 1 (got {MaxNearCacheEntries}).";
        }

        if (NearCacheCheckMs is < 50 or > 60_000)
        {
            yield return $"{SectionName}:NearCacheCheckMs must be between 50 and 60000 (got {NearCacheCheckMs}).";
        }

        if (LoadTimeoutMs is < 1 or > 25_000)
        {
            yield return $"{SectionName}:LoadTimeoutMs must be between 1 and 25000 (below the 30 s grain call timeout) (got {LoadTimeoutMs}).";
        }
    }
}
