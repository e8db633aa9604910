using Platform.Replication;

namespace Platform.Sharding;

/// <summary>What a caller asks for when it creates a namespace.</summary>
[GenerateSerializer, Immutable, Alias("Platform.NamespaceSpec")]
public sealed record NamespaceSpec
{
    [Id(0)] public int Shards { get; init; } = NamespaceSettings.DefaultShards;

    [Id(1)] public PartitioningMode Partitioning { get; init; } = PartitioningMode.Hash;

    /// <summary>True: a transactional namespace (multi-key transactions through <c>POST /v1/txn</c>).</summary>
    [Id(2)] public bool Transactional { get; init; }

    /// <summary>Set: a replicated namespace (each shard a replica group; see <see cref="ReplicationSettings"/>).</summary>
    [Id(3)] public ReplicationSettings? Replication { get; init; }
}
