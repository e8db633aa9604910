using System.Buffers.Text;
using System.Text;
using Platform.Errors;

namespace Platform.Validation;

/// <summary>The opaque continuation token of every paged list: the last name or key of the page, base64url of its UTF-8.</summary>
internal static class ContinuationToken
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static string Encode(string last) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(last));

    /// <summary>The name or key a token continues after; null for no token (the first page).</summary>
    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            return StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new PlatformValidationException("continuationToken", "is not a token this API returned");
        }
    }
}
