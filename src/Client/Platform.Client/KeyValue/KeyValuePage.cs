namespace Platform.KeyValue;

/// <summary>A page of entries in key order; <see cref="ContinuationToken"/> is null on the last page.</summary>
public sealed record KeyValuePage(IReadOnlyList<KeyValueEntry> Items, string? ContinuationToken);
