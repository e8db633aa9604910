namespace Platform.Client.Host.Transactions;

/// <summary>The body of <c>POST /v1/txn</c>: comparisons, then the success or the failure operations.</summary>
public sealed record TransactionRequestBody(
    string? Namespace,
    IReadOnlyList<TransactionCompareBody?>? Compare,
    IReadOnlyList<TransactionOpBody?>? Success,
    IReadOnlyList<TransactionOpBody?>? Failure);
