namespace Platform.Client.Host.Caches;

/// <summary>The answer to an entry's PUT: its new version (also the ETag) and, when written to a key-value source, the version there.</summary>
public sealed record CacheEntryWriteResponse(string Cache, string Key, long Version, long? SourceVersion);
