using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Platform.Errors;

namespace Platform.Client.Host.Api;

/// <summary>
/// The one reading of a request's path, from the undecoded request target: split on <c>/</c>, then each segment
/// percent-decoded as UTF-8. Routing picks the endpoint from the server's decoded path, and
/// <see cref="StrictRequestMiddleware"/> then gives every route parameter (namespace, key, name) its value from this
/// reading, so the route and the handler cannot disagree. Refused with 400 (<c>field: path</c>): a <c>%</c> not
/// followed by two hex digits, bytes that are not UTF-8, and dot segments (<c>.</c> or <c>..</c>, also written
/// <c>%2E</c>), which servers and clients resolve away before routing. <c>%2F</c> is a <c>/</c> inside a segment (a
/// key may hold it); <c>%25</c> is a literal <c>%</c>, so <c>%25FF</c> is the three characters <c>%FF</c>.
/// </summary>
internal sealed class ApiPath
{
    public const string Field = "path";

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private ApiPath(string[] segments) => Segments = segments;

    /// <summary>The decoded segments after the path base; <c>/v1/kv/a/b%2Fc</c> is <c>v1, kv, a, b/c</c>.</summary>
    public IReadOnlyList<string> Segments { get; }

    /// <summary>The reading of this request (parsed once; the middleware reads it first and refuses a bad target).</summary>
    public static ApiPath Of(HttpContext context)
    {
        if (context.Features.Get<ApiPath>() is { } parsed)
        {
            return parsed;
        }

        var path = Parse(context);
        context.Features.Set(path);
        return path;
    }

    /// <summary>
    /// The decoded value from segment <paramref name="index"/> on: one segment, or (for a catch-all) the rest joined
    /// by <c>/</c>. Null when the path has no such segment.
    /// </summary>
    public string? From(int index, bool rest) =>
        index >= Segments.Count ? null : rest ? string.Join('/', Segments.Skip(index)) : Segments[index];

    /// <summary>Checks the query string the same way: every name and value percent-decodes to UTF-8, and no name repeats.</summary>
    public static void CheckQuery(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in query[(query[0] == '?' ? 1 : 0)..].Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var rawName = equals < 0 ? pair : pair[..equals];
            var name = Decode(rawName, query: true, out var nameError);
            if (nameError is not null)
            {
                throw new PlatformValidationException("query", $"parameter name '{rawName}' {nameError}");
            }

            if (equals >= 0 && Decode(pair[(equals + 1)..], query: true, out var valueError) is null)
            {
                throw new PlatformValidationException(name!, $"{valueError} (in the query string)");
            }

            if (!seen.Add(name!))
            {
                throw new PlatformValidationException(name!, "must be given at most once in the query string");
            }
        }
    }

    private static ApiPath Parse(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var pathBase = context.Request.PathBase.Value ?? "";
        var skip = pathBase.Length == 0 ? 0 : pathBase.Trim('/').Split('/').Length;
        if (string.IsNullOrEmpty(raw))
        {
            // A host without the raw target (the in-memory TestServer) has only the decoded path, where %2F stays
            // encoded and %25 is already a '%'; real servers (Kestrel, IIS, HTTP.sys) always give the raw target.
            // Request.Path is already relative to the path base.
            return new ApiPath([.. Split(context.Request.Path.Value ?? "/").Select(s => Checked(s.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase), s))]);
        }

        var path = PathOf(raw);
        var segments = Split(path).Select(s => Checked(Decode(s, query: false, out var error) ?? throw Invalid(s, error!), s)).ToArray();
        return new ApiPath(segments.Length >= skip ? segments[skip..] : []);
    }

    /// <summary>The path of a request target: origin form as it is, absolute form without scheme and authority.</summary>
    private static string PathOf(string raw)
    {
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var target = query < 0 ? raw : raw[..query];
        if (target.StartsWith('/'))
        {
            return target;
        }

        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return "/"; // asterisk or authority form: no path
        }

        var slash = target.IndexOf('/', scheme + 3);
        return slash < 0 ? "/" : target[slash..];
    }

    private static string[] Split(string path) => path.Length <= 1 ? [] : path[1..].Split('/');

    private static string Checked(string decoded, string raw) =>
        decoded is "." or ".."
            ? throw new PlatformValidationException(Field, $"must not contain the dot segment '{raw}' ('.' and '..', also written %2E, are resolved away by servers and clients, so they never name an item)")
            : decoded;

    private static PlatformValidationException Invalid(string raw, string error) =>
        new(Field, $"segment '{(raw.Length > 80 ? raw[..80] + "..." : raw)}' {error}");

    /// <summary>Strict percent-decoding to UTF-8; null with <paramref name="error"/> set when it is not possible.</summary>
    private static string? Decode(string raw, bool query, out string? error)
    {
        error = null;
        if (raw.AsSpan().IndexOfAny('%', '+') < 0 && Ascii.IsValid(raw))
        {
            return raw;
        }

        var bytes = new byte[raw.Length];
        var count = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !char.IsAsciiHexDigit(raw[i + 1]) || !char.IsAsciiHexDigit(raw[i + 2]))
                {
                    error = $"has a '%' at position {i} not followed by two hex digits (write a literal '%' as %25)";
                    return null;
                }

                bytes[count++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                i += 2;
            }
            else if (c > 0x7F)
            {
                error = "has a character that is not percent-encoded ASCII";
                return null;
            }
            else
            {
                bytes[count++] = query && c == '+' ? (byte)' ' : (byte)c;
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes, 0, count);
        }
        catch (DecoderFallbackException)
        {
            error = "does not percent-decode to UTF-8 (%FF, a lone %C3, or an encoded surrogate such as %ED%A0%80)";
            return null;
        }
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
