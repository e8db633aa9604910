namespace Platform.Testing.Http;

/// <summary><c>GET /v1/namespaces/{ns}/shards</c>: every shard's hosting silo, keys, bytes and ring share, in shard order.</summary>
public sealed record ShardMap(string Namespace, int Shards, int VirtualNodesPerShard, IReadOnlyList<ShardMapItem> Items);
