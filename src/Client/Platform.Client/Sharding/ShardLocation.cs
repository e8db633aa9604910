namespace Platform.Sharding;

/// <summary>Where one key lives: its ring token, shard and the silo hosting that shard now.</summary>
public sealed record ShardLocation(string Namespace, string Key, ulong Token, int Shard, string Grain, string Silo);
