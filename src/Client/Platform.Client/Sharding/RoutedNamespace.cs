using System.Collections.Concurrent;
using Platform.Replication;

namespace Platform.Sharding;

/// <summary>
/// A namespace's settings with its ring, as a client routes by them, and the shard-access strategy each block picked
/// for it (<see cref="Access{T}"/>): chosen once per resolved namespace by its kind, never per call. The ring comes
/// from the bounded <see cref="HashRingCache"/> on each use, so a cached namespace never keeps a ring alive.
/// </summary>
internal sealed record RoutedNamespace(NamespaceSettings Settings, HashRingCache Rings, DateTimeOffset FetchedAt, IGrainFactory Grains, ReplicaGroupClient? Groups = null)
{
    private readonly ConcurrentDictionary<Type, object> _access = new();

    // Filled lazily; a race only builds the same value twice.
    private string?[]? _shardKeys;

    public HashRing Ring => Rings.For(Settings.Shards);

    public int ShardFor(string key) => Ring.ShardFor(key);

    public string ShardKey(int index) =>
        (_shardKeys ??= new string?[Settings.Shards])[index] ??= Settings.Shard(index).ToGrainKey();

    /// <summary>
    /// The block's way into this namespace's shards, made by <paramref name="select"/> on first use (it reads the
    /// settings, e.g. key-value or transactional shards) and kept while this routing lives.
    /// </summary>
    public T Access<T>(Func<RoutedNamespace, T> select)
        where T : class =>
        (T)_access.GetOrAdd(typeof(T), static (_, state) => state.select(state.routed), (select, routed: this));
}
