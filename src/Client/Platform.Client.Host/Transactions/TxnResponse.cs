namespace Platform.Client.Host.Transactions;

/// <summary>The answer of a committed transaction: whether the comparisons held, and one result per operation run.</summary>
public sealed record TxnResponse(bool Succeeded, IReadOnlyList<TxnOpResponse> Results);
