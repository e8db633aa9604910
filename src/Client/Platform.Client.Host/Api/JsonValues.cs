using System.Text;

namespace Platform.Client.Host.Api;

/// <summary>A stored value inside a JSON answer: <c>valueBase64</c> always, <c>value</c> too when the bytes are valid UTF-8.</summary>
internal static class JsonValues
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static string Base64(byte[] bytes) => Convert.ToBase64String(bytes);

    /// <summary>The bytes as text, or null when they are not valid UTF-8.</summary>
    public static string? Text(byte[] bytes)
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
