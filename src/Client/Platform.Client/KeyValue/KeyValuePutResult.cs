using Platform.Replication;

namespace Platform.KeyValue;

/// <summary>The outcome of a put: the new version, and whether the key was created (it was absent or deleted before).</summary>
public readonly record struct KeyValuePutResult(long Version, bool Created)
{
    /// <summary>Replicated namespaces: the session advanced by this write (pass it to later reads for read-your-writes).</summary>
    public SessionToken? Session { get; init; }

    /// <summary>Replicated namespaces: the leader that took the write.</summary>
    public ReplicaServed? Served { get; init; }
}
