namespace Platform.Transactions;

/// <summary>
/// Runs one multi-key transaction (any key): comparisons, then the success or failure branch, all in one Orleans
/// transaction. Guarantee: serializable and atomic; once it answers the transaction is committed, and when it throws
/// nothing of it is visible (except an in-doubt outcome, reported as such).
/// </summary>
[Alias("Platform.ITxnCoordinatorGrain")]
public interface ITransactionCoordinatorGrain : IGrainWithIntegerKey
{
    [Alias("Execute"), Transaction(TransactionOption.Create)]
    Task<TransactionResult> Execute(TransactionSpec request);
}
