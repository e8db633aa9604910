namespace Platform.Testing.Http;

/// <summary>A namespace's settings (<c>PUT</c> and <c>GET /v1/namespaces/{ns}</c>); <see cref="Replication"/> for a replicated one.</summary>
public sealed record NamespaceInfo(
    string Name,
    int Shards,
    string Partitioning,
    long Generation,
    DateTimeOffset CreatedAt,
    bool Transactional,
    ReplicationInfo? Replication = null,
    IReadOnlyList<string>? Warnings = null);
