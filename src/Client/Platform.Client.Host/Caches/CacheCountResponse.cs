namespace Platform.Client.Host.Caches;

/// <summary>How many entries an invalidation dropped or a flush wrote.</summary>
public sealed record CacheCountResponse(string Cache, int Count);
