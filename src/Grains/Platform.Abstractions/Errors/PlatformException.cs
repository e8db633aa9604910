namespace Platform.Errors;

/// <summary>
/// An expected refusal, with a message fit for a caller. The HTTP host maps each subclass to its status code;
/// anything else that escapes is a bug.
/// </summary>
[GenerateSerializer, Alias("Platform.PlatformException")]
public abstract class PlatformException : Exception
{
    /// <summary>The kind of refusal; hosts answer by kind, never by exception type.</summary>
    public abstract PlatformErrorKind Kind { get; }

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
