namespace Platform.Testing.Http;

/// <summary>One page of <c>GET /v1/kv/{ns}</c>; the last page has no continuation token.</summary>
public sealed record KeyValueListing(IReadOnlyList<KeyValueItem> Items, string? ContinuationToken);
