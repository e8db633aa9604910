namespace Platform.Client.Host.Sagas;

/// <summary>One step of a definition request; absent retry and timeout take their defaults (3 attempts, 100 ms, jitter; 10000 ms).</summary>
public sealed record SagaStepRequest(string? Name, SagaOperationRequest? Action, SagaOperationRequest? Compensation, SagaRetryRequest? Retry, int? TimeoutMs);
