using Platform.Replication;

namespace Platform.Sharding;

/// <summary>
/// What this cluster's storage allows namespaces to be: on memory storage in a multi-silo cluster shard grains keep
/// their keys in one silo's memory, so only replicated namespaces keep acknowledged writes there, and the
/// <c>default</c> namespace is created replicated (<see cref="DefaultReplication"/>).
/// </summary>
public sealed record NamespacePolicy
{
    public static readonly NamespacePolicy Any = new();

    /// <summary>Set: a namespace must be replicated; the text says why (the 400 of a create without <c>replication</c>).</summary>
    public string? RequireReplication { get; init; }

    /// <summary>How the <c>default</c> namespace is replicated when replication is required.</summary>
    public ReplicationSettings DefaultReplication { get; init; } = new();
}
