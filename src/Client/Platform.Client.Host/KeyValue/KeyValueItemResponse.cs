using System.Text;
using Platform.KeyValue;

namespace Platform.Client.Host.KeyValue;

/// <summary>A key in a JSON answer: <c>valueBase64</c> always, <c>value</c> too when the bytes are UTF-8.</summary>
public sealed record KeyValueItemResponse(string Key, long Version, string ValueBase64, string? Value, string? ContentType, DateTimeOffset ModifiedAt)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static KeyValueItemResponse From(KeyValueEntry entry) =>
        new(entry.Key, entry.Version, Convert.ToBase64String(entry.Value), TryUtf8(entry.Value), entry.ContentType, entry.ModifiedAt);

    private static string? TryUtf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
