namespace Platform.Client.Host.Transactions;

/// <summary>The body of <c>POST /v1/txn</c>: comparisons, then the success or the failure operations.</summary>
public sealed record TxnRequestBody(
    string? Namespace,
    IReadOnlyList<TxnCompareBody?>? Compare,
    IReadOnlyList<TxnOpBody?>? Success,
    IReadOnlyList<TxnOpBody?>? Failure);
