using Platform.Errors;

namespace Platform.Transactions;

/// <summary>An operation of a transaction refused (add on a non-integer, overflow, a deleted namespace): it aborts the transaction.</summary>
[GenerateSerializer, Alias("Platform.TxnOpFailedException")]
public sealed class TransactionOpFailedException : PlatformException
{
    public override PlatformErrorKind Kind => PlatformErrorKind.Conflict;

    public TransactionOpFailedException()
    {
    }

    public TransactionOpFailedException(string message)
        : base(message)
    {
    }

    public TransactionOpFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The shard's namespace generation is gone: the client refreshes its routing and retries once.</summary>
    [Id(0)] public bool NamespaceGone { get; init; }
}
