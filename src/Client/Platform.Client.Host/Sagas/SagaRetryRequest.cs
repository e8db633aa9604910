namespace Platform.Client.Host.Sagas;

/// <summary>A step's retry policy in a request.</summary>
public sealed record SagaRetryRequest(int? MaxAttempts, int? BackoffMs, bool? Jitter);
