using System.Buffers.Text;
using Platform.Errors;
using Platform.Replication.Crdt;

namespace Platform.Replication;

/// <summary>The causal context of a siblings read as text (<c>Platform-Context</c>): base64url of the encoded version vector.</summary>
public static class ContextCodec
{
    /// <summary>The longest context accepted, in characters.</summary>
    public const int MaxLength = 8192;

    public static string Encode(VersionVector context) => Base64Url.EncodeToString(KeyStateCodec.EncodeContext(context));

    /// <summary>The bytes of a context sent back; a malformed one is a 400 naming <paramref name="field"/>.</summary>
    public static byte[] Parse(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new PlatformValidationException(field, $"is longer than {MaxLength} characters");
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(text.Trim());
            KeyStateCodec.DecodeContext(bytes);
            return bytes;
        }
        catch (FormatException)
        {
            throw new PlatformValidationException(field, "is not a context this service handed out (base64url of a version vector, from a siblings read)");
        }
    }
}
