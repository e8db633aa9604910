namespace Platform.Testing.Http;

/// <summary>A committed <c>POST /v1/txn</c>: whether the comparisons held, and one result per operation run.</summary>
public sealed record TransactionAnswer(bool Succeeded, IReadOnlyList<TransactionOpAnswer> Results);
