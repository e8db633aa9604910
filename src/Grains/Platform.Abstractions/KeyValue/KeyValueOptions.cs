using Platform.Configuration;
namespace Platform.KeyValue;

/// <summary>Limits of the key-value store (<c>Platform:KeyValue</c>); enforced on clients and silos alike.</summary>
public sealed class KeyValueOptions : IPlatformOptions
{
    public const string SectionName = "Platform:KeyValue";

    /// <summary>Longest key in UTF-8 bytes. Default 512; at most 512 (Azure Table row keys hold 1 KiB of hex).</summary>
    public int MaxKeyBytes { get; set; } = 512;

    /// <summary>Largest value in bytes. Default 1 MiB (1048576); at most 4 MiB.</summary>
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>Shards of a namespace created without a count. Default 64.</summary>
    public int DefaultShards { get; set; } = 64;

    /// <summary>Most shards a namespace may have. Default 4096.</summary>
    public int MaxShards { get; set; } = 4096;

    /// <summary>Page size of a list call without <c>limit</c>. Default 100.</summary>
    public int DefaultListLimit { get; set; } = 100;

    /// <summary>Largest <c>limit</c> a list call accepts. Default 1000.</summary>
    public int MaxListLimit { get; set; } = 1000;

    /// <summary>Value bytes in one list page before it is cut short (at least one item is always returned). Default 8 MiB.</summary>
    public int MaxPageBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Most locks one key's fence record remembers (one entry per lock that fenced a write of the key). A full record
    /// drops entries whose lock has granted a later token; a fenced write naming yet another lock is refused while
    /// every entry's lock is still current. Default 16; 1–64. Enforced by shards only.
    /// </summary>
    public int MaxFencesPerKey { get; set; } = 16;

    /// <summary>
    /// A shard activation's lease in shard storage: it serves reads and writes only within this time after it last
    /// wrote its lease (renewed by a call that finds less than half of it left), and an activation that finds another's
    /// lease waits this long (x1.1) before taking the shard over. The longest extra wait after a silo crash. Default
    /// 2 s; 100 ms to 60 s. Used by silos only.
    /// </summary>
    public TimeSpan ShardLeaseTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a client trusts its cached namespace settings before asking again. Default 30 s. A stale entry is never
    /// served for a deleted and re-created namespace: the old generation's shards refuse every call and the client
    /// refreshes at once.
    /// </summary>
    public TimeSpan RoutingCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most namespaces a client keeps routing for (least recently used dropped first). Default 1024; 1–1,000,000. Used by clients only.</summary>
    public int RoutingCacheSize { get; set; } = 1024;

    /// <summary>
    /// Most hash rings a client keeps, one per distinct shard count (least recently used dropped first, built again
    /// on its next use). A ring takes 12 bytes x 128 x shards: 96 KiB at 64 shards, 6 MiB at 4096. Default 32;
    /// 1–4096. Used by clients only.
    /// </summary>
    public int RingCacheSize { get; set; } = 32;

    /// <summary>Checks every limit; returns one message per bad key, naming it.</summary>
    public IEnumerable<string> Validate()
    {
        if (MaxKeyBytes is < 1 or > 512)
        {
            yield return $"{SectionName}:MaxKeyBytes must be between 1 and 512 (got {MaxKeyBytes}).";
        }

        if (MaxValueBytes is < 1 or > 4 * 1024 * 1024)
        {
            yield return $"{SectionName}:MaxValueBytes must be between 1 and 4194304 (got {MaxValueBytes}).";
        }

        if (MaxShards is < 1 or > 4096)
        {
            yield return $"{SectionName}:MaxShards must be between 1 and 4096 (got {MaxShards}).";
        }

        if (DefaultShards < 1 || DefaultShards > MaxShards)
        {
            yield return $"{SectionName}:DefaultShards must be between 1 and MaxShards ({MaxShards}) (got {DefaultShards}).";
        }

        if (MaxListLimit is < 1 or > 10_000)
        {
            yield return $"{SectionName}:MaxListLimit must be between 1 and 10000 (got {MaxListLimit}).";
        }

        if (DefaultListLimit < 1 || DefaultListLimit > MaxListLimit)
        {
            yield return $"{SectionName}:DefaultListLimit must be between 1 and MaxListLimit ({MaxListLimit}) (got {DefaultListLimit}).";
        }

        if (MaxPageBytes < 1)
        {
            yield return $"{SectionName}:MaxPageBytes must be positive (got {MaxPageBytes}).";
        }

        if (MaxFencesPerKey is < 1 or > 64)
        {
            yield return $"{SectionName}:MaxFencesPerKey must be between 1 and 64 (got {MaxFencesPerKey}).";
        }

        if (ShardLeaseTime < TimeSpan.FromMilliseconds(100) || ShardLeaseTime > TimeSpan.FromSeconds(60))
        {
            yield return $"{SectionName}:ShardLeaseTime must be between 00:00:00.1 and 00:01:00 (got {ShardLeaseTime}).";
        }

        if (RoutingCacheTtl < TimeSpan.Zero)
        {
            yield return $"{SectionName}:RoutingCacheTtl must not be negative (got {RoutingCacheTtl}).";
        }

        if (RoutingCacheSize is < 1 or > 1_000_000)
        {
            yield return $"{SectionName}:RoutingCacheSize must be between 1 and 1000000 (got {RoutingCacheSize}).";
        }

        if (RingCacheSize is < 1 or > 4096)
        {
            yield return $"{SectionName}:RingCacheSize must be between 1 and 4096 (got {RingCacheSize}).";
        }
    }
}
