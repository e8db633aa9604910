namespace Platform.Client.Host.Caches;

/// <summary><c>writeBehind</c>: <c>delayMs</c> (default 100), <c>maxBatch</c> (100), <c>maxQueue</c> (100000), <c>maxAgeMs</c> (300000).</summary>
public sealed record CacheWriteBehindRequest(int? DelayMs, int? MaxBatch, int? MaxQueue, int? MaxAgeMs);
