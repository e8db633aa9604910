namespace Platform.Errors;

/// <summary>
/// What kind of refusal a <see cref="PlatformException"/> is. Each host maps a kind to its answer in one table
/// (the HTTP host: status, problem type and title); a new error adds a kind here and a row there.
/// </summary>
[GenerateSerializer, Alias("Platform.PlatformErrorKind")]
public enum PlatformErrorKind
{
    /// <summary>Malformed or invalid input (HTTP 400).</summary>
    Validation = 0,

    /// <summary>The named item does not exist (HTTP 404).</summary>
    NotFound = 1,

    /// <summary>The request conflicts with the current state (HTTP 409).</summary>
    Conflict = 2,

    /// <summary>A condition of the request (If-Match, If-None-Match) does not hold (HTTP 412).</summary>
    PreconditionFailed = 3,

    /// <summary>A body or value is over its limit (HTTP 413).</summary>
    PayloadTooLarge = 4,

    /// <summary>The cluster cannot serve the request now; retry later (HTTP 503 with Retry-After).</summary>
    Unavailable = 5,
}
