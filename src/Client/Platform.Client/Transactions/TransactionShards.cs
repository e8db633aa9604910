using Platform.KeyValue;
using Platform.Sharding;

namespace Platform.Transactions;

/// <summary>
/// The shards of a transactional namespace for single-key and listing calls: each call runs as its own transaction
/// on an <see cref="ITransactionShardGrain"/>, and every failure (stats included) is mapped as a transaction's
/// (<see cref="TransactionFailures"/>): a shard of a deleted generation becomes <see cref="NamespaceGoneException"/>,
/// an Orleans transaction failure a <c>PlatformTransactionFailedException</c> (409, or 503 with Retry-After). Each
/// listing call is its own read: a listing page is not a snapshot, within a shard or across shards.
/// </summary>
internal sealed class TransactionShards(RoutedNamespace routed) : IKeyValueShards
{
    private readonly ITransactionShardGrain?[] _grains = new ITransactionShardGrain?[routed.Settings.Shards];

    public async Task<ShardReadResult> GetAsync(int shard, string key, ShardRead read) => new(await Transactional(() => Grain(shard).Get(key)), null);

    public Task<IReadOnlyList<KeyValueEntry>> GetManyAsync(int shard, IReadOnlyList<string> keys, ShardRead read) => Transactional(() => Grain(shard).GetMany(keys));

    public async Task<ShardWriteResult> WriteAsync(int shard, KeyValueWriteRequest request) =>
        new(IKeyValueShards.NotGone(await Transactional(() => Grain(shard).Write(request))), 0, null);

    public Task<IReadOnlyList<KeyValueKeyInfo>> ListKeysAsync(int shard, string prefix, string? after, int limit, ShardRead read) =>
        Transactional(() => Grain(shard).ListKeys(prefix, after, limit));

    public Task<KeyValueShardStats> StatsAsync(int shard) => Transactional(() => Grain(shard).Stats());

    private ITransactionShardGrain Grain(int shard) =>
        _grains[shard] ??= routed.Grains.GetGrain<ITransactionShardGrain>(routed.ShardKey(shard));

    /// <summary>A call to a transactional shard outside any transaction, its failure mapped like a transaction's.</summary>
    private static async Task<T> Transactional<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (TransactionFailures.Classify(ex) is { } failed)
        {
            throw failed.Reason == TransactionFailures.NamespaceGone ? new NamespaceGoneException(failed.Message, ex) : failed;
        }
    }
}
