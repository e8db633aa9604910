namespace Platform.Testing.Http;

/// <summary>
/// One shard of a <see cref="ShardMap"/>; ranges (decimal token strings) only when asked for; for a replicated
/// namespace its group: replicas, leader, term and why it is degraded (null when healthy).
/// </summary>
public sealed record ShardMapItem(
    int Shard,
    string Grain,
    string Silo,
    long Keys,
    long Bytes,
    double Ownership,
    IReadOnlyList<string[]>? Ranges,
    IReadOnlyList<ShardReplicaItem>? Replicas = null,
    int? Leader = null,
    long? Term = null,
    string? Degraded = null);
