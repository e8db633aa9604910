using Platform.Replication;

namespace Platform.KeyValue;

/// <summary>Optional parts of a put: content type, precondition, fencing token.</summary>
public sealed record KeyValuePutOptions
{
    public string? ContentType { get; init; }

    public KeyValueCondition Condition { get; init; } = KeyValueCondition.None;

    public KeyValueFence? Fence { get; init; }

    /// <summary>Replicated namespaces: the session so far; the result's session is it advanced by this write.</summary>
    public SessionToken? Session { get; init; }

    /// <summary>Multi-leader <c>siblings</c> namespaces: the context of a siblings read (<see cref="ContextCodec"/>); the write replaces the siblings it names.</summary>
    public string? Context { get; init; }

    /// <summary>
    /// Quorum namespaces: how many replicas must acknowledge this write (<see cref="ReadConsistency.One"/>: 1,
    /// <see cref="ReadConsistency.Quorum"/>: a majority, <see cref="ReadConsistency.All"/>: every one), in place of the
    /// namespace's W. Null, or a read-only level (strong, session, eventual), keeps W; other namespaces ignore it.
    /// </summary>
    public ReadConsistency? Consistency { get; init; }
}
