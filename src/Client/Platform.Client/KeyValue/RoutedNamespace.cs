using Platform.Sharding;
using Platform.Transactions;

namespace Platform.KeyValue;

/// <summary>A namespace's settings with its ring, as a client routes by them.</summary>
internal sealed record RoutedNamespace(NamespaceSettings Settings, HashRing Ring, DateTimeOffset FetchedAt)
{
    // Filled lazily; a race only builds the same value twice. GetGrain resolves the grain interface type through
    // reflection on every call (about 10% of a key read's CPU in bench/run.sh kv), so references are kept per shard.
    private string?[]? _shardKeys;
    private IKvShardGrain?[]? _kvShards;
    private ITxnShardGrain?[]? _txnShards;

    public int ShardFor(string key) => Ring.ShardFor(key);

    public string ShardKey(int index) =>
        (_shardKeys ??= new string?[Settings.Shards])[index] ??= Settings.Shard(index).ToGrainKey();

    /// <summary>The shard grain at <paramref name="index"/>, its reference made once per routed namespace.</summary>
    public IKvShardGrain KvShard(IGrainFactory grains, int index) =>
        (_kvShards ??= new IKvShardGrain?[Settings.Shards])[index] ??= grains.GetGrain<IKvShardGrain>(ShardKey(index));

    /// <summary>The transactional shard grain at <paramref name="index"/> (transactional namespaces only).</summary>
    public ITxnShardGrain TxnShard(IGrainFactory grains, int index) =>
        (_txnShards ??= new ITxnShardGrain?[Settings.Shards])[index] ??= grains.GetGrain<ITxnShardGrain>(ShardKey(index));
}
