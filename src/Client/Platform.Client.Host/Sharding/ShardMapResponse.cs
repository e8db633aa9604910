namespace Platform.Client.Host.Sharding;

/// <summary>Ring tokens travel as decimal strings: JSON numbers lose precision past 2^53.</summary>
public sealed record ShardMapResponse(string Namespace, int Shards, int VirtualNodesPerShard, IReadOnlyList<ShardMapEntry> Items);
