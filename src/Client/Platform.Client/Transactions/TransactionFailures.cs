using Orleans.Storage;
using Orleans.Transactions;
using Platform.Errors;
using Platform.Sharding;

namespace Platform.Transactions;

/// <summary>Maps what Orleans transactions throw to Platform's refusals, saying whether a retry is safe.</summary>
internal static class TransactionFailures
{
    public const string NamespaceGone = "namespaceGone";

    /// <summary>The Platform exception for a failed transaction, or null when <paramref name="exception"/> is not one.</summary>
    public static PlatformTransactionFailedException? Classify(Exception exception)
    {
        switch (exception)
        {
            case PlatformTransactionFailedException failed:
                return failed;
            case NamespaceGoneException gone:
                return new(NamespaceGone, gone.Message, retrySafe: true, unavailable: false, gone);
            case OrleansTransactionInDoubtException inDoubt:
                return new("inDoubt", $"The transaction's outcome is unknown (in doubt): it may or may not have committed; read the keys before retrying. {inDoubt.Message}",
                    retrySafe: false, unavailable: true, inDoubt);
            case OrleansTransactionException orleans when orleans.GetType().Name.Contains("Timeout", StringComparison.Ordinal):
                return new("timeout", $"The transaction timed out and was aborted; nothing was applied. {orleans.Message}", retrySafe: true, unavailable: true, orleans);
            case OrleansTransactionAbortedException aborted:
                if (Find<NamespaceGoneException>(aborted) is { } goneInside)
                {
                    return new(NamespaceGone, goneInside.Message, retrySafe: true, unavailable: false, goneInside);
                }

                if (Find<TransactionOpFailedException>(aborted) is { } inner)
                {
                    return inner.NamespaceGone
                        ? new(NamespaceGone, inner.Message, retrySafe: true, unavailable: false, inner)
                        : new("opFailed", $"An operation failed, so the transaction was aborted and nothing was applied: {inner.Message}", retrySafe: true, unavailable: false, aborted);
                }

                if (Find<PlatformException>(aborted) is { Kind: PlatformErrorKind.Unavailable } unavailable)
                {
                    return new("unavailable", $"The transaction was aborted because a shard could not serve it now; nothing was applied: {unavailable.Message}",
                        retrySafe: true, unavailable: true, aborted);
                }

                if (Find<PlatformException>(aborted) is { } refusal)
                {
                    return new("opFailed", $"The transaction was aborted and nothing was applied: {refusal.Message}", retrySafe: true, unavailable: false, aborted);
                }

                return new("conflict", $"The transaction conflicted with a concurrent one (or a participant failed) and was aborted; nothing was applied and retrying is safe. {aborted.Message}",
                    retrySafe: true, unavailable: false, aborted);
            case OrleansTransactionException orleans:
                return new("unavailable", $"The transaction could not run now and nothing was applied: {orleans.Message}", retrySafe: true, unavailable: true, orleans);
            case InconsistentStateException conflict:
                // A transactional shard whose state could not be loaded consistently (it kept changing, or another
                // activation wrote it) before any transaction started: nothing was applied.
                return new("unavailable", $"A shard's state could not be read consistently now; nothing was applied: {conflict.Message}", retrySafe: true, unavailable: true, conflict);
            case TimeoutException timeout:
                return new("timeout", $"No answer in time: the transaction's outcome is unknown; read the keys before retrying. {timeout.Message}", retrySafe: false, unavailable: true, timeout);
            case TransactionOpFailedException opFailed:
                return opFailed.NamespaceGone
                    ? new(NamespaceGone, opFailed.Message, retrySafe: true, unavailable: false, opFailed)
                    : new("opFailed", $"An operation failed, so the transaction was aborted and nothing was applied: {opFailed.Message}", retrySafe: true, unavailable: false, opFailed);
            default:
                return null;
        }
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
