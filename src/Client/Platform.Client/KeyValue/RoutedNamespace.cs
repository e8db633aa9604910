using Platform.Sharding;

namespace Platform.KeyValue;

/// <summary>A namespace's settings with its ring, as a client routes by them.</summary>
internal sealed record RoutedNamespace(NamespaceSettings Settings, HashRing Ring, DateTimeOffset FetchedAt)
{
    public int ShardFor(string key) => Ring.ShardFor(key);

    public string ShardKey(int index) => Settings.Shard(index).ToGrainKey();
}
