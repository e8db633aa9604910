namespace Platform.Testing.Http;

/// <summary>A key in a list page: <c>valueBase64</c> always, <c>value</c> when the bytes are UTF-8.</summary>
public sealed record KeyValueItem(string Key, long Version, string ValueBase64, string? Value, string? ContentType, DateTimeOffset ModifiedAt)
{
    public byte[] Bytes => Convert.FromBase64String(ValueBase64);
}
