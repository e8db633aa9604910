using Platform.Replication;
using Platform.Sharding;
using Platform.Transactions;

namespace Platform.KeyValue;

/// <summary>
/// How the key-value API reaches one namespace's shards, picked once per resolved namespace by its kind
/// (<see cref="For"/>): plain key-value shard grains, transactional shard grains, or replica groups. Shard calls never
/// branch on the kind. A write to a shard whose generation is gone throws <see cref="NamespaceGoneException"/>.
/// </summary>
internal interface IKeyValueShards
{
    Task<ShardReadResult> GetAsync(int shard, string key, ShardRead read);

    Task<IReadOnlyList<KeyValueEntry>> GetManyAsync(int shard, IReadOnlyList<string> keys, ShardRead read);

    Task<ShardWriteResult> WriteAsync(int shard, KeyValueWriteRequest request);

    Task<IReadOnlyList<KeyValueKeyInfo>> ListKeysAsync(int shard, string prefix, string? after, int limit, ShardRead read);

    Task<KeyValueShardStats> StatsAsync(int shard);

    /// <summary>The strategy for <paramref name="routed"/>'s kind of namespace: the one place that kind is decided.</summary>
    static IKeyValueShards For(RoutedNamespace routed) =>
        routed.Settings.Replication is { Leaderless: true } ? new LeaderlessShards(routed)
        : routed.Settings.Replication is not null ? new ReplicatedShards(routed)
        : routed.Settings.Transactional ? new TransactionShards(routed)
        : new KeyValueShards(routed);

    /// <summary>Throws <see cref="NamespaceGoneException"/> for a NamespaceGone answer; returns any other.</summary>
    static KeyValueWriteResult NotGone(KeyValueWriteResult result) =>
        result.Status == KeyValueWriteStatus.NamespaceGone ? throw new NamespaceGoneException(result.Detail ?? "The namespace generation is gone.") : result;
}
