namespace Platform.Errors;

/// <summary>The request conflicts with the current state, such as a lock held by another owner (HTTP 409).</summary>
[GenerateSerializer, Alias("Platform.PlatformConflictException")]
public sealed class PlatformConflictException : PlatformException
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
