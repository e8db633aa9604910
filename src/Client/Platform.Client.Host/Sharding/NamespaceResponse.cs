using Platform.Client.Host.Replication;
using Platform.Sharding;

namespace Platform.Client.Host.Sharding;

/// <summary>A namespace's settings; <c>warnings</c> carries advice about them (an even replica count), when any.</summary>
public sealed record NamespaceResponse(
    string Name,
    int Shards,
    PartitioningMode Partitioning,
    long Generation,
    DateTimeOffset CreatedAt,
    bool Transactional,
    ReplicationResponse? Replication = null,
    IReadOnlyList<string>? Warnings = null)
{
    public static NamespaceResponse From(NamespaceSettings s) => new(s.Name, s.Shards, s.Partitioning, s.Generation, s.CreatedAt, s.Transactional,
        ReplicationResponse.From(s.Replication), s.Replication?.Warnings() is { Count: > 0 } warnings ? warnings : null);
}
