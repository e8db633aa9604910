namespace Platform.KeyValue;

/// <summary>One page of a listing: keys starting with <see cref="Prefix"/>, after the continuation token.</summary>
public sealed record KeyValueListOptions
{
    public string Prefix { get; init; } = "";

    /// <summary>Page size; null takes <see cref="KeyValueOptions.DefaultListLimit"/>.</summary>
    public int? Limit { get; init; }

    public string? ContinuationToken { get; init; }
}
