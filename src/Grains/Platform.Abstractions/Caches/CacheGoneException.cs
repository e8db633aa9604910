using Platform.Errors;

namespace Platform.Caches;

/// <summary>
/// A shard answered that its cache generation is gone (deleted or replaced): the caller's settings are stale. The
/// typed client refreshes them and runs the call once more; should it escape it answers as not found (HTTP 404).
/// </summary>
[GenerateSerializer, Alias("Platform.CacheGoneException")]
public sealed class CacheGoneException : PlatformException
{
    public override PlatformErrorKind Kind => PlatformErrorKind.NotFound;

    public CacheGoneException()
    {
    }

    public CacheGoneException(string message)
        : base(message)
    {
    }

    public CacheGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
