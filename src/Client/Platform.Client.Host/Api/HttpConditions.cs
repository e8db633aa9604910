using System.Globalization;
using Microsoft.Net.Http.Headers;
using Platform.Errors;
using Platform.KeyValue;

namespace Platform.Client.Host.Api;

/// <summary>HTTP's concurrency headers in terms of versions: <c>ETag: "n"</c>, <c>If-Match: "n"</c>, <c>If-None-Match: *</c>.</summary>
internal static class HttpConditions
{
    /// <summary>Header names as constants, for <c>[FromHeader(Name = ...)]</c> (which lists them in the API document).</summary>
    public const string IfMatch = "If-Match";

    public const string IfNoneMatch = "If-None-Match";

    public static string ETag(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>A write's condition from its <c>If-Match</c> and <c>If-None-Match</c> headers (null or empty when absent).</summary>
    public static KeyValueCondition Parse(string? ifMatchHeader, string? ifNoneMatchHeader)
    {
        long? ifMatch = null;
        if (!string.IsNullOrEmpty(ifMatchHeader))
        {
            ifMatch = ParseVersion(ifMatchHeader, IfMatch);
        }

        var ifNoneMatch = false;
        if (!string.IsNullOrEmpty(ifNoneMatchHeader))
        {
            if (ifNoneMatchHeader.Trim() != "*")
            {
                throw new PlatformValidationException(IfNoneMatch, "on a write must be * (create only)");
            }

            ifNoneMatch = true;
        }

        return ifMatch is null && !ifNoneMatch ? KeyValueCondition.None : new KeyValueCondition { IfMatchVersion = ifMatch, IfNoneMatch = ifNoneMatch };
    }

    /// <summary>
    /// Whether a read's <c>If-None-Match</c> (<c>*</c> or a list of entity tags, compared weakly as RFC 9110 says)
    /// matches the item's <paramref name="version"/>, so the answer is 304. A malformed header is a 400.
    /// </summary>
    public static bool NoneMatch(string? header, long version)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseStrictList([header], out var tags) || tags.Count == 0)
        {
            throw new PlatformValidationException(IfNoneMatch, $"must be * or a list of entity tags such as \"3\" (got {header})");
        }

        var current = ETag(version);
        return tags.Any(t => t.Tag.Equals("*", StringComparison.Ordinal) || t.Tag.Equals(current, StringComparison.Ordinal));
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
