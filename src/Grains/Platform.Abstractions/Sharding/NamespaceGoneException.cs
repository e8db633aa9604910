using Platform.Errors;

namespace Platform.Sharding;

/// <summary>
/// A shard answered that its namespace generation is gone (the namespace was deleted, and maybe created again under
/// a new generation): the routing the caller used is stale. Shards throw it from every read (writes answer
/// <c>KeyValueWriteStatus.NamespaceGone</c>, which the client turns into this). The typed client's namespace router
/// refreshes its routing and runs the call once more, so it never reaches an application; should it escape anyway it
/// answers as the namespace not found (HTTP 404).
/// </summary>
[GenerateSerializer, Alias("Platform.NamespaceGoneException")]
public sealed class NamespaceGoneException : PlatformException
{
    public override PlatformErrorKind Kind => PlatformErrorKind.NotFound;

    public NamespaceGoneException()
    {
    }

    public NamespaceGoneException(string message)
        : base(message)
    {
    }

    public NamespaceGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
