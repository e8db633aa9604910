namespace Platform.Testing.Http;

/// <summary>A record as a read answers it.</summary>
public sealed record LogRecordAnswer(long Offset, string? Key, string? Value, string? ValueBase64, IReadOnlyDictionary<string, string>? Headers, DateTimeOffset Timestamp);
