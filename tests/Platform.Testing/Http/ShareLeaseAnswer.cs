namespace Platform.Testing.Http;

/// <summary>A record a share-group fetch leased.</summary>
public sealed record ShareLeaseAnswer(
    string LeaseId, int Partition, long Offset, string? Key, string? Value, string? ValueBase64, IReadOnlyDictionary<string, string>? Headers,
    DateTimeOffset Timestamp, int DeliveryCount, DateTimeOffset LeasedUntil);
