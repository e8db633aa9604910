namespace Platform.Client.Host.KeyValue;

public sealed record LocateResponse(string Namespace, string Key, string Token, int Shard, string Grain, string Silo);
