using Platform.KeyValue;
using Platform.Transactions;

namespace Platform.Sharding;

/// <summary>A namespace's settings with its ring, as a client routes by them.</summary>
internal sealed record RoutedNamespace(NamespaceSettings Settings, HashRing Ring, DateTimeOffset FetchedAt)
{
    // Filled lazily; a race only builds the same value twice. GetGrain resolves the grain interface type through
    // reflection on every call (about 10% of a key read's CPU in bench/run.sh kv), so references are kept per shard.
    private string?[]? _shardKeys;
    private IKeyValueShardGrain?[]? _kvShards;
    private ITransactionShardGrain?[]? _txnShards;

    public int ShardFor(string key) => Ring.ShardFor(key);

    public string ShardKey(int index) =>
        (_shardKeys ??= new string?[Settings.Shards])[index] ??= Settings.Shard(index).ToGrainKey();

    /// <summary>The shard grain at <paramref name="index"/>, its reference made once per routed namespace.</summary>
    public IKeyValueShardGrain KeyValueShard(IGrainFactory grains, int index) =>
        (_kvShards ??= new IKeyValueShardGrain?[Settings.Shards])[index] ??= grains.GetGrain<IKeyValueShardGrain>(ShardKey(index));

    /// <summary>The transactional shard grain at <paramref name="index"/> (transactional namespaces only).</summary>
    public ITransactionShardGrain TransactionShard(IGrainFactory grains, int index) =>
        (_txnShards ??= new ITransactionShardGrain?[Settings.Shards])[index] ??= grains.GetGrain<ITransactionShardGrain>(ShardKey(index));
}
