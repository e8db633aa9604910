using System.Collections.Frozen;
using Platform.Errors;

namespace Platform.Client.Host.Api;

/// <summary>
/// The one error table of the HTTP API: for each answer, its status, the error kind it renders, the problem
/// <c>type</c> (the RFC section that names the status), its <c>title</c>, and the <c>Retry-After</c> it carries
/// unless the error says otherwise. A new error kind adds a row here; nothing else maps kinds to answers.
/// </summary>
internal static class ProblemTable
{
    private static readonly ProblemRow[] Rows =
    [
        new(400, PlatformErrorKind.Validation, "https://tools.ietf.org/html/rfc9110#section-15.5.1", "Invalid request"),
        new(401, null, "https://tools.ietf.org/html/rfc9110#section-15.5.2", "Authentication required"),
        new(403, null, "https://tools.ietf.org/html/rfc9110#section-15.5.4", "Forbidden"),
        new(404, PlatformErrorKind.NotFound, "https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not found"),
        new(409, PlatformErrorKind.Conflict, "https://tools.ietf.org/html/rfc9110#section-15.5.10", "Conflict"),
        new(412, PlatformErrorKind.PreconditionFailed, "https://tools.ietf.org/html/rfc9110#section-15.5.13", "Precondition failed"),
        new(413, PlatformErrorKind.PayloadTooLarge, "https://tools.ietf.org/html/rfc9110#section-15.5.14", "Payload too large"),
        new(415, null, "https://tools.ietf.org/html/rfc9110#section-15.5.16", "Unsupported media type"),
        new(429, null, "https://tools.ietf.org/html/rfc6585#section-4", "Too many requests", TimeSpan.FromSeconds(1)),
        new(500, null, "https://tools.ietf.org/html/rfc9110#section-15.6.1", "Internal error"),
        new(503, PlatformErrorKind.Unavailable, "https://tools.ietf.org/html/rfc9110#section-15.6.4", "Service unavailable", TimeSpan.FromSeconds(1)),
    ];

    private static readonly FrozenDictionary<int, ProblemRow> ByStatus = Rows.ToFrozenDictionary(r => r.Status);

    private static readonly FrozenDictionary<PlatformErrorKind, ProblemRow> ByKind =
        Rows.Where(r => r.Kind is not null).ToFrozenDictionary(r => r.Kind!.Value);

    /// <summary>The row of a status; a status without one answers as an internal error does.</summary>
    public static ProblemRow For(int status) => ByStatus.GetValueOrDefault(status) ?? ByStatus[StatusCodes.Status500InternalServerError];

    public static ProblemRow For(PlatformErrorKind kind) => ByKind.GetValueOrDefault(kind) ?? ByStatus[StatusCodes.Status500InternalServerError];
}

/// <summary>One row of <see cref="ProblemTable"/>.</summary>
internal sealed record ProblemRow(int Status, PlatformErrorKind? Kind, string Type, string Title, TimeSpan? RetryAfter = null);
