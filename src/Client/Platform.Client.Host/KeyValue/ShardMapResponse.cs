using Platform.KeyValue;

namespace Platform.Client.Host.KeyValue;

/// <summary>Ring tokens travel as decimal strings: JSON numbers lose precision past 2^53.</summary>
public sealed record ShardMapResponse(string Namespace, int Shards, int VirtualNodesPerShard, IReadOnlyList<ShardMapEntry> Items);
