namespace Platform.Client.Host.Sharding;

public sealed record LocateResponse(string Namespace, string Key, string Token, int Shard, string Grain, string Silo);
