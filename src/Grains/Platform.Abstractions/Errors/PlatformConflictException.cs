namespace Platform.Errors;

/// <summary>
/// The request conflicts with the current state, such as a lock held by another owner (HTTP 409). Not sealed: a
/// block's conflict that names the state it met (a lock's holders) derives from it and overrides <c>Details</c>.
/// </summary>
[GenerateSerializer, Alias("Platform.PlatformConflictException")]
public class PlatformConflictException : PlatformException
{
    public override PlatformErrorKind Kind => PlatformErrorKind.Conflict;

    public PlatformConflictException()
    {
    }

    public PlatformConflictException(string message)
        : base(message)
    {
    }

    public PlatformConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
