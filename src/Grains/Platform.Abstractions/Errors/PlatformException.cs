namespace Platform.Errors;

/// <summary>
/// An expected refusal, with a message fit for a caller. Hosts answer by <see cref="Kind"/> (the HTTP host: one table
/// of status, problem type and title) and add <see cref="Details"/> and <see cref="RetryAfter"/>; a new refusal with
/// facts of its own overrides them instead of teaching any host its type. Anything else that escapes is a bug.
/// </summary>
[GenerateSerializer, Alias("Platform.PlatformException")]
public abstract class PlatformException : Exception
{
    /// <summary>The kind of refusal; hosts answer by kind, never by exception type.</summary>
    public abstract PlatformErrorKind Kind { get; }

    /// <summary>
    /// Facts a caller needs beyond the message, under the API's names (<c>field</c>, <c>currentVersion</c>,
    /// <c>holders</c>, ...); the HTTP host adds each as a ProblemDetails member. Empty by default.
    /// </summary>
    public virtual IReadOnlyDictionary<string, object?> Details => NoDetails;

    /// <summary>How long to wait before a retry may succeed (HTTP <c>Retry-After</c>); null when waiting will not help.</summary>
    public virtual TimeSpan? RetryAfter => null;

    private static readonly IReadOnlyDictionary<string, object?> NoDetails = new Dictionary<string, object?>();

    protected PlatformException()
    {
    }

    protected PlatformException(string message)
        : base(message)
    {
    }

    protected PlatformException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
