namespace Platform.Transactions.Storage;

/// <summary>
/// A transactional state storage that holds at most <see cref="MaxStateBytes"/> of serialized state per grain. A
/// failure inside the storage's <c>Store</c> reaches the caller only as a transaction whose outcome is unknown, so the
/// transactional shards check this limit inside the transaction instead, where a refusal aborts it with a reason.
/// </summary>
public interface ITransactionalStateSizeLimit
{
    int MaxStateBytes { get; }

    /// <summary>The size <paramref name="state"/> takes in this storage, serialized.</summary>
    long SerializedBytes<TState>(TState state);
}
