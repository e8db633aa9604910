namespace Platform.Testing.Waiting;

/// <summary>An <see cref="Eventually"/> wait ran out; the message says what was awaited and what was seen last.</summary>
public sealed class EventuallyTimeoutException : TimeoutException
{
    public EventuallyTimeoutException()
    {
    }

    public EventuallyTimeoutException(string message)
        : base(message)
    {
    }

    public EventuallyTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
