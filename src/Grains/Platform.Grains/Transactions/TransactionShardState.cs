using Platform.KeyValue;

namespace Platform.Transactions;

/// <summary>The keys of one transactional shard, as Orleans transactional state keeps and stores them.</summary>
[GenerateSerializer, Alias("Platform.TxnShardState")]
public sealed class TransactionShardState
{
    /// <summary>Live entries and tombstones (<see cref="KeyValueEntry.Deleted"/>: a deleted key's last version and fences).</summary>
    [Id(0)] public Dictionary<string, KeyValueEntry> Entries { get; set; } = [];
}
