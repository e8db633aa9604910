namespace Platform.Client.Host.Caches;

/// <summary><c>capacity</c>: at most <c>entries</c> entries and, when given, <c>bytes</c> bytes, split over the shards.</summary>
public sealed record CacheCapacityRequest(long? Entries, long? Bytes);
