using Platform.Replication;

namespace Platform.KeyValue;

/// <summary>One page of a listing: keys starting with <see cref="Prefix"/>, after the continuation token.</summary>
public sealed record KeyValueListOptions
{
    public string Prefix { get; init; } = "";

    /// <summary>Page size; null takes <see cref="KeyValueOptions.DefaultListLimit"/>.</summary>
    public int? Limit { get; init; }

    public string? ContinuationToken { get; init; }

    /// <summary>Replicated namespaces: the consistency of each shard's part of the page (null: the namespace's default).</summary>
    public ReadConsistency? Consistency { get; init; }

    /// <summary>Replicated namespaces: a session read's token (each shard's part comes from a replica that has applied it).</summary>
    public SessionToken? Session { get; init; }
}
