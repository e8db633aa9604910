namespace Platform.Testing.Http;

/// <summary>A namespace's settings (<c>PUT</c> and <c>GET /v1/namespaces/{ns}</c>).</summary>
public sealed record NamespaceInfo(string Name, int Shards, string Partitioning, long Generation, DateTimeOffset CreatedAt, bool Transactional);
