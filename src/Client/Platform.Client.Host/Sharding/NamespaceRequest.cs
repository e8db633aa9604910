using Platform.Client.Host.Replication;
using Platform.Sharding;

namespace Platform.Client.Host.Sharding;

/// <summary>
/// The body of <c>PUT /v1/namespaces/{ns}</c>; every field optional (<c>transactional</c> defaults to false; no
/// <c>replication</c>: one shard grain per shard).
/// </summary>
public sealed record NamespaceRequest(int? Shards, PartitioningMode? Partitioning, bool? Transactional = null, ReplicationRequest? Replication = null);
