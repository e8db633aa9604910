namespace Platform.Client.Host.Caches;

/// <summary>One page of caches.</summary>
public sealed record CacheListResponse(IReadOnlyList<CacheResponse> Items, string? ContinuationToken);
