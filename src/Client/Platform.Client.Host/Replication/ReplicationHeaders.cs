using System.Globalization;
using Microsoft.Extensions.Primitives;
using Platform.Errors;
using Platform.Replication;

namespace Platform.Client.Host.Replication;

/// <summary>
/// The replication headers of the key-value routes: <c>Platform-Consistency</c> and <c>Platform-Session</c> in, and
/// in every answer from a replicated namespace which replica served it (<c>Platform-Replica</c>, <c>-Role</c>,
/// <c>-Term</c>, <c>-Applied-Index</c>) and the advanced <c>Platform-Session</c>.
/// </summary>
internal static class ReplicationHeaders
{
    public const string Consistency = "Platform-Consistency";
    public const string Session = SessionToken.Header;
    public const string Replica = "Platform-Replica";
    public const string Role = "Platform-Replica-Role";
    public const string Term = "Platform-Replica-Term";
    public const string AppliedIndex = "Platform-Replica-Applied-Index";

    /// <summary>The consistency a request asks for; null when it names none. Unknown values are a 400 naming the header.</summary>
    public static ReadConsistency? ParseConsistency(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        return header.Trim().ToLowerInvariant() switch
        {
            "strong" => ReadConsistency.Strong,
            "session" => ReadConsistency.Session,
            "eventual" => ReadConsistency.Eventual,
            "one" => ReadConsistency.One,
            "quorum" => ReadConsistency.Quorum,
            "all" => ReadConsistency.All,
            _ => throw new PlatformValidationException(Consistency, $"must be one of: strong, session, eventual, one, quorum, all (got '{Truncate(header)}')"),
        };
    }

    /// <summary>The session a request carries; null when none. A malformed token is a 400 naming the header.</summary>
    public static SessionToken? ParseSession(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        return SessionToken.Parse(header.Trim(), out var error) ?? throw new PlatformValidationException(Session, error!);
    }

    /// <summary>A session read's wait, from <c>?waitMs=</c> (null when absent).</summary>
    public static TimeSpan? ParseWait(int? waitMs) => waitMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null;

    public static void Write(HttpResponse response, ReplicaServed? served, SessionToken? session)
    {
        if (served is not null)
        {
            response.Headers[Replica] = served.Replica;
            response.Headers[Role] = served.Role.ToString().ToLowerInvariant();
            response.Headers[Term] = served.Term.ToString(CultureInfo.InvariantCulture);
            response.Headers[AppliedIndex] = served.AppliedIndex.ToString(CultureInfo.InvariantCulture);
        }

        if (session is { IsEmpty: false })
        {
            response.Headers[Session] = new StringValues(session.ToString());
        }
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
