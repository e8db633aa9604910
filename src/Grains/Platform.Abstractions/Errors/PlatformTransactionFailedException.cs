namespace Platform.Errors;

/// <summary>
/// A multi-key transaction did not commit (HTTP 409), or its outcome is not known (HTTP 503). <see cref="RetrySafe"/>
/// is true when nothing of it was applied, so sending it again cannot apply it twice.
/// </summary>
[GenerateSerializer, Alias("Platform.PlatformTransactionFailedException")]
public sealed class PlatformTransactionFailedException : PlatformException
{
    public override PlatformErrorKind Kind => Unavailable ? PlatformErrorKind.Unavailable : PlatformErrorKind.Conflict;

    public PlatformTransactionFailedException()
    {
    }

    public PlatformTransactionFailedException(string message)
        : base(message)
    {
    }

    public PlatformTransactionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PlatformTransactionFailedException(string reason, string message, bool retrySafe, bool unavailable, Exception? innerException = null)
        : base(message, innerException ?? new InvalidOperationException(message))
    {
        Reason = reason;
        RetrySafe = retrySafe;
        Unavailable = unavailable;
    }

    /// <summary>
    /// <c>conflict</c> (lock contention or a participant's failure), <c>opFailed</c> (an operation refused, e.g. add on
    /// a non-integer), <c>timeout</c> (the transaction timed out and aborted), <c>inDoubt</c> (the outcome is unknown).
    /// </summary>
    [Id(0)] public string Reason { get; init; } = "conflict";

    [Id(1)] public bool RetrySafe { get; init; }

    /// <summary>True answers 503 with Retry-After (timeout, in doubt); false answers 409.</summary>
    [Id(2)] public bool Unavailable { get; init; }

    [Id(3)] public int RetryAfterSeconds { get; init; } = 1;

    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?> { ["reason"] = Reason, ["retrySafe"] = RetrySafe };

    public override TimeSpan? RetryAfter => Unavailable ? TimeSpan.FromSeconds(RetryAfterSeconds) : null;
}
