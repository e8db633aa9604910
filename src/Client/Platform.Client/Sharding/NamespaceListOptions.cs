namespace Platform.Sharding;

/// <summary>One page of namespace names, after the continuation token.</summary>
public sealed record NamespaceListOptions
{
    /// <summary>Page size; null takes <c>Platform:KeyValue:DefaultListLimit</c>.</summary>
    public int? Limit { get; init; }

    public string? ContinuationToken { get; init; }
}
