namespace Platform.Client.Host.Caches;

/// <summary>The body of <c>POST /v1/caches/{name}/invalidate</c>: any of keys, tags and a prefix.</summary>
public sealed record CacheInvalidateRequest(IReadOnlyList<string>? Keys, IReadOnlyList<string>? Tags, string? Prefix);
