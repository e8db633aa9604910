using System.Globalization;
using Microsoft.Net.Http.Headers;
using Platform.Errors;
using Platform.KeyValue;

namespace Platform.Client.Host.Api;

/// <summary>HTTP's concurrency headers in terms of versions: <c>ETag: "n"</c>, <c>If-Match: "n"</c>, <c>If-None-Match: *</c>.</summary>
internal static class HttpConditions
{
    public static string ETag(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    public static KeyValueCondition Parse(HttpRequest request)
    {
        long? ifMatch = null;
        var ifMatchHeader = request.Headers.IfMatch.ToString();
        if (ifMatchHeader.Length > 0)
        {
            ifMatch = ParseVersion(ifMatchHeader, HeaderNames.IfMatch);
        }

        var ifNoneMatch = false;
        var ifNoneMatchHeader = request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatchHeader.Length > 0)
        {
            if (ifNoneMatchHeader.Trim() != "*")
            {
                throw new PlatformValidationException(HeaderNames.IfNoneMatch, "on a write must be * (create only)");
            }

            ifNoneMatch = true;
        }

        return ifMatch is null && !ifNoneMatch ? KeyValueCondition.None : new KeyValueCondition { IfMatchVersion = ifMatch, IfNoneMatch = ifNoneMatch };
    }

    /// <summary>A strong entity tag holding a version, such as <c>"7"</c>.</summary>
    public static long ParseVersion(string header, string name)
    {
        var value = header.Trim();
        if (value.Length >= 3 && value[0] == '"' && value[^1] == '"'
            && long.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            && version > 0)
        {
            return version;
        }

        throw new PlatformValidationException(name, $"must be one strong entity tag holding a version, such as \"3\" (got {header})");
    }
}
