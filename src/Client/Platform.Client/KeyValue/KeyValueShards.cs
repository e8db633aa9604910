using Platform.Sharding;

namespace Platform.KeyValue;

/// <summary>The shards of a plain (non-transactional) namespace: one <see cref="IKeyValueShardGrain"/> per shard.</summary>
internal sealed class KeyValueShards(RoutedNamespace routed) : IKeyValueShards
{
    // GetGrain resolves the grain interface type through reflection on every call (about 10% of a key read's CPU in
    // bench/run.sh kv), so references are made once per shard. A race only makes the same reference twice.
    private readonly IKeyValueShardGrain?[] _grains = new IKeyValueShardGrain?[routed.Settings.Shards];

    // One grain per shard serves every read linearizably, so every consistency level is served the same way.
    public async Task<ShardReadResult> GetAsync(int shard, string key, ShardRead read) => new(await Grain(shard).Get(key), null);

    public Task<IReadOnlyList<KeyValueEntry>> GetManyAsync(int shard, IReadOnlyList<string> keys, ShardRead read) => Grain(shard).GetMany(keys);

    public async Task<ShardWriteResult> WriteAsync(int shard, KeyValueWriteRequest request) =>
        new(IKeyValueShards.NotGone(await Grain(shard).Write(request)), 0, null);

    public Task<IReadOnlyList<KeyValueKeyInfo>> ListKeysAsync(int shard, string prefix, string? after, int limit, ShardRead read) =>
        Grain(shard).ListKeys(prefix, after, limit);

    public Task<KeyValueShardStats> StatsAsync(int shard) => Grain(shard).Stats();

    private IKeyValueShardGrain Grain(int shard) =>
        _grains[shard] ??= routed.Grains.GetGrain<IKeyValueShardGrain>(routed.ShardKey(shard));
}
