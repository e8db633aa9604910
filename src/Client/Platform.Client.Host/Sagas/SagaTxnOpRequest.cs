namespace Platform.Client.Host.Sagas;

/// <summary>One write of a <c>txn</c> step in a request: <c>op</c> (put, delete, add), <c>key</c>, <c>value</c>, <c>amount</c>.</summary>
public sealed record SagaTxnOpRequest(string? Op, string? Key, string? Value, long? Amount);
