using Platform.Replication;

namespace Platform.KeyValue;

/// <summary>How a read of a replicated namespace is served (other namespaces serve every read from the shard's one grain, linearizably).</summary>
public sealed record KeyValueReadOptions
{
    /// <summary>Null: the namespace's default (<c>replication.consistency</c>, strong unless set).</summary>
    public ReadConsistency? Consistency { get; init; }

    /// <summary>The session so far (from earlier answers): a session read is served only by a replica that has applied what it names.</summary>
    public SessionToken? Session { get; init; }

    /// <summary>How long a session read may wait at a replica that is behind (null: <c>Platform:Replication:SessionWait</c>).</summary>
    public TimeSpan? Wait { get; init; }
}
