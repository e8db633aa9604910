using Platform.Sharding;

namespace Platform.Client.Host.Sharding;

public sealed record NamespaceResponse(string Name, int Shards, PartitioningMode Partitioning, long Generation, DateTimeOffset CreatedAt, bool Transactional)
{
    public static NamespaceResponse From(NamespaceSettings s) => new(s.Name, s.Shards, s.Partitioning, s.Generation, s.CreatedAt, s.Transactional);
}
