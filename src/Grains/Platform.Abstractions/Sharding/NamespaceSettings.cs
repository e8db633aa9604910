using Platform.Replication;

namespace Platform.Sharding;

/// <summary>
/// A namespace as created. Immutable once created; <see cref="Generation"/> changes when a namespace
/// is deleted and created again, so stale routing never reaches the new namespace's shards.
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.NamespaceSettings")]
public sealed record NamespaceSettings
{
    public const int DefaultShards = 64;
    public const string DefaultNamespace = "default";

    [Id(0)] public required string Name { get; init; }

    [Id(1)] public required int Shards { get; init; }

    [Id(2)] public PartitioningMode Partitioning { get; init; } = PartitioningMode.Hash;

    [Id(3)] public required long Generation { get; init; }

    [Id(4)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>True: shards keep keys in Orleans transactional state, and the namespace takes multi-key transactions.</summary>
    [Id(5)] public bool Transactional { get; init; }

    /// <summary>Set for a replicated namespace: each shard is a Raft group of replica grains (null: one shard grain).</summary>
    [Id(6)] public ReplicationSettings? Replication { get; init; }

    public ShardId Shard(int index) => new(Name, Generation, index);
}
