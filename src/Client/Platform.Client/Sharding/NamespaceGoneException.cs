namespace Platform.Sharding;

/// <summary>
/// Thrown by a shard-access strategy when a shard answered that its namespace generation is gone: the routing used
/// was stale. <see cref="NamespaceRouter.RunAsync"/> refreshes and retries once; it never reaches a caller.
/// </summary>
internal sealed class NamespaceGoneException : Exception
{
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
