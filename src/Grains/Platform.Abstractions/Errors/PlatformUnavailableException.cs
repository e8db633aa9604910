namespace Platform.Errors;

/// <summary>
/// The cluster cannot serve the request now (no quorum, a dependency unreachable, contention with another
/// activation); nothing was applied and the request may be retried after <see cref="RetryAfterSeconds"/> (HTTP 503).
/// </summary>
[GenerateSerializer, Alias("Platform.PlatformUnavailableException")]
public sealed class PlatformUnavailableException : PlatformException
{
    public override PlatformErrorKind Kind => PlatformErrorKind.Unavailable;

    public PlatformUnavailableException()
    {
    }

    public PlatformUnavailableException(string message)
        : base(message)
    {
    }

    public PlatformUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    [Id(0)] public int RetryAfterSeconds { get; init; } = 1;

    public override TimeSpan? RetryAfter => TimeSpan.FromSeconds(RetryAfterSeconds);
}
