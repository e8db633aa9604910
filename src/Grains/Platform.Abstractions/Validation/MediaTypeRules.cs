namespace Platform.Validation;

/// <summary>
/// The media types Platform stores with a value (a key-value <c>Content-Type</c>, a transaction put's
/// <c>contentType</c>): RFC 9110 section 8.3.1, <c>type "/" subtype *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] )</c>,
/// in ASCII and at most <see cref="MaxLength"/> characters. Only what HTTP can send back as a response header is
/// accepted: no control characters, no non-ASCII text (obs-text), no leading or trailing white space.
/// </summary>
public static class MediaTypeRules
{
    /// <summary>
    /// Longest media type, in characters (ASCII, so also bytes): 256. RFC 6838 allows 127 characters each for type
    /// and subtype; the rest leaves room for parameters such as <c>charset</c>.
    /// </summary>
    public const int MaxLength = 256;

    /// <summary>Null when <paramref name="mediaType"/> is a valid media type, else why not.</summary>
    public static string? Check(string? mediaType)
    {
        if (string.IsNullOrEmpty(mediaType))
        {
            return "must be a media type such as text/plain (got an empty value)";
        }

        if (mediaType.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters (got {mediaType.Length})";
        }

        var text = mediaType.AsSpan();
        var at = 0;
        if (Token(text, ref at) == 0 || !Expect(text, ref at, '/') || Token(text, ref at) == 0)
        {
            return $"must be type/subtype made of RFC 9110 token characters, such as text/plain (got {Show(mediaType)})";
        }

        while (at < text.Length)
        {
            var start = at;
            Whitespace(text, ref at);
            if (!Expect(text, ref at, ';'))
            {
                return $"has {(at == text.Length ? "trailing white space" : $"'{Printable(text[at])}' where ';' or the end was expected")} (got {Show(mediaType)})";
            }

            Whitespace(text, ref at);
            if (at == text.Length || text[at] == ';')
            {
                continue; // an empty parameter is allowed by the grammar
            }

            if (Token(text, ref at) == 0 || !Expect(text, ref at, '='))
            {
                return $"has a parameter that is not name=value at position {start} (got {Show(mediaType)})";
            }

            if (at < text.Length && text[at] == '"')
            {
                if (!QuotedString(text, ref at))
                {
                    return $"has an unterminated or invalid quoted-string parameter value (got {Show(mediaType)})";
                }
            }
            else if (Token(text, ref at) == 0)
            {
                return $"has a parameter value that is neither a token nor a quoted-string (got {Show(mediaType)})";
            }
        }

        return null;
    }

    /// <summary>RFC 9110 tchar: <c>! # $ % &amp; ' * + - . ^ _ ` | ~</c>, digits and letters.</summary>
    public static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    private static int Token(ReadOnlySpan<char> text, ref int at)
    {
        var start = at;
        while (at < text.Length && IsTokenChar(text[at]))
        {
            at++;
        }

        return at - start;
    }

    private static bool Expect(ReadOnlySpan<char> text, ref int at, char c)
    {
        if (at < text.Length && text[at] == c)
        {
            at++;
            return true;
        }

        return false;
    }

    private static void Whitespace(ReadOnlySpan<char> text, ref int at)
    {
        while (at < text.Length && text[at] is ' ' or '\t')
        {
            at++;
        }
    }

    /// <summary>DQUOTE *( qdtext / quoted-pair ) DQUOTE, without obs-text.</summary>
    private static bool QuotedString(ReadOnlySpan<char> text, ref int at)
    {
        at++; // the opening quote
        while (at < text.Length)
        {
            var c = text[at++];
            switch (c)
            {
                case '"':
                    return true;
                case '\\':
                    if (at == text.Length || !(text[at] is '\t' or ' ' || IsVisible(text[at])))
                    {
                        return false;
                    }

                    at++;
                    break;
                default:
                    if (!(c is '\t' or ' ' || IsVisible(c)))
                    {
                        return false;
                    }

                    break;
            }
        }

        return false;
    }

    private static bool IsVisible(char c) => c is >= '!' and <= '~';

    private static string Printable(char c) => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}";

    /// <summary>The value for a message: control and non-ASCII characters escaped, cut at 80 characters.</summary>
    private static string Show(string value)
    {
        var shown = string.Concat(value.Take(80).Select(Printable));
        return $"'{shown}{(value.Length > 80 ? "..." : "")}'";
    }
}
