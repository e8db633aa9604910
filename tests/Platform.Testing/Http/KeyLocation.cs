namespace Platform.Testing.Http;

/// <summary><c>GET /v1/namespaces/{ns}/locate?key=</c>: the shard and silo holding a key.</summary>
public sealed record KeyLocation(string Namespace, string Key, string Token, int Shard, string Grain, string Silo);
