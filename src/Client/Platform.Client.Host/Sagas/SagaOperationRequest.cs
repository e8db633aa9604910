namespace Platform.Client.Host.Sagas;

/// <summary>An action or compensation in a request; <see cref="Body"/> is the body template as a string (JSON text after rendering, typically).</summary>
public sealed record SagaOperationRequest(
    string? Kind,
    string? Method,
    string? Url,
    string? Body,
    IReadOnlyList<int>? Expect,
    string? Op,
    string? Namespace,
    string? Key,
    string? Value,
    long? IfVersion,
    bool? IfAbsent,
    string? Name = null,
    int? LeaseMs = null,
    int? WaitMs = null,
    string? Topic = null,
    IReadOnlyList<SagaTxnOpRequest?>? Ops = null,
    string? Done = null,
    string? Failed = null);
