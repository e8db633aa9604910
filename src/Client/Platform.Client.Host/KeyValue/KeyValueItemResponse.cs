using Platform.Client.Host.Api;
using Platform.KeyValue;

namespace Platform.Client.Host.KeyValue;

/// <summary>A key in a JSON answer: <c>valueBase64</c> always, <c>value</c> too when the bytes are UTF-8.</summary>
public sealed record KeyValueItemResponse(string Key, long Version, string ValueBase64, string? Value, string? ContentType, DateTimeOffset ModifiedAt)
{
    public static KeyValueItemResponse From(KeyValueEntry entry) =>
        new(entry.Key, entry.Version, JsonValues.Base64(entry.Value), JsonValues.Text(entry.Value), entry.ContentType, entry.ModifiedAt);
}
