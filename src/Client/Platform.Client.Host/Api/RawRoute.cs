using Microsoft.AspNetCore.Http.Features;

namespace Platform.Client.Host.Api;

/// <summary>
/// Reads a catch-all path parameter from the undecoded request target. ASP.NET leaves <c>%2F</c> encoded in route
/// values while decoding <c>%25</c>, which makes a key such as "a%2Fb" ambiguous; the raw target is not.
/// </summary>
internal static class RawRoute
{
    /// <summary>The decoded rest of the path after <paramref name="prefix"/> and one segment (e.g. the namespace).</summary>
    public static string? TailAfterSegment(HttpContext context, string prefix)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || !raw.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var path = raw.AsSpan(prefix.Length);
        var query = path.IndexOf('?');
        if (query >= 0)
        {
            path = path[..query];
        }

        var slash = path.IndexOf('/');
        return slash < 0 ? null : Uri.UnescapeDataString(path[(slash + 1)..].ToString());
    }
}
