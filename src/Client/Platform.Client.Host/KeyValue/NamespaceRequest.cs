using Platform.Sharding;

namespace Platform.Client.Host.KeyValue;

/// <summary>The body of <c>PUT /v1/namespaces/{ns}</c>; both fields optional.</summary>
public sealed record NamespaceRequest(int? Shards, PartitioningMode? Partitioning);
