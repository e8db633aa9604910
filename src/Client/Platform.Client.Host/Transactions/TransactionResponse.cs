namespace Platform.Client.Host.Transactions;

/// <summary>The answer of a committed transaction: whether the comparisons held, and one result per operation run.</summary>
public sealed record TransactionResponse(bool Succeeded, IReadOnlyList<TransactionOpResponse> Results);
