using Platform.Client.Host.Api;
using Platform.EventLog;

namespace Platform.Client.Host.EventLog;

/// <summary>A stored record; <c>value</c> when the bytes are UTF-8, <c>valueBase64</c> always, both absent for a tombstone.</summary>
public sealed record RecordResponse(long Offset, string? Key, string? Value, string? ValueBase64, IReadOnlyDictionary<string, string>? Headers, DateTimeOffset Timestamp)
{
    public static RecordResponse From(LogRecord record) => new(
        record.Offset,
        record.Key,
        record.Value is null ? null : JsonValues.Text(record.Value),
        record.Value is null ? null : JsonValues.Base64(record.Value),
        record.Headers,
        record.Timestamp);
}
