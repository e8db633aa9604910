namespace Platform.Caches;

/// <summary>A value read from a cache's source, with its version there (key-value sources have one; HTTP sources none).</summary>
public sealed record CacheSourceValue(byte[] Value, string? ContentType, long? Version);
