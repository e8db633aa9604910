using Platform.Errors;

namespace Platform.EventLog;

/// <summary>
/// A partition answered that its topic generation is gone (deleted, maybe created again, or the partition is not
/// part of the topic): the caller's topic view is stale. The typed client refreshes it and runs the call once more;
/// should it escape anyway it answers as the topic not found (HTTP 404).
/// </summary>
[GenerateSerializer, Alias("Platform.EventLog.TopicGoneException")]
public sealed class TopicGoneException : PlatformException
{
    public override PlatformErrorKind Kind => PlatformErrorKind.NotFound;

    public TopicGoneException()
    {
    }

    public TopicGoneException(string message)
        : base(message)
    {
    }

    public TopicGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
