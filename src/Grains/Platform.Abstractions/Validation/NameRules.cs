using System.Text;

namespace Platform.Validation;

/// <summary>
/// The naming rules of the API conventions. Keys: 1 to MaxKeyBytes UTF-8 bytes, no control characters.
/// Other names (namespaces, locks, topics, ...): 1 to 128 characters of <c>[A-Za-z0-9._~:-]</c>.
/// </summary>
public static class NameRules
{
    public const int MaxNameLength = 128;

    // Encodings are thread-safe; one strict instance serves every call on the hot path.
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Null when <paramref name="name"/> is a valid name, else why not.</summary>
    public static string? CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "must not be empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"must be at most {MaxNameLength} characters (got {name.Length})";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or ':' or '-'))
            {
                return $"may contain only A-Z, a-z, 0-9 and . _ ~ : - (found '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}')";
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="key"/> is a valid key, else why not.</summary>
    public static string? CheckKey(string? key, int maxBytes)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "must not be empty";
        }

        foreach (var c in key)
        {
            if (char.IsControl(c))
            {
                return $"must not contain control characters (found \\u{(int)c:x4})";
            }
        }

        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(key);
        }
        catch (EncoderFallbackException)
        {
            return "must be valid Unicode (found an unpaired surrogate)";
        }

        return bytes > maxBytes ? $"must be at most {maxBytes} UTF-8 bytes (got {bytes})" : null;
    }
}
