namespace Platform.Caches;

/// <summary>One page of caches in name order; <see cref="ContinuationToken"/> is null on the last page.</summary>
public sealed record CachePage(IReadOnlyList<CacheSettings> Items, string? ContinuationToken);
