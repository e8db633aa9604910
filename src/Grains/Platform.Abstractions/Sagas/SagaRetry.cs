namespace Platform.Sagas;

/// <summary>How a step's action or compensation is retried: attempts in all, the first delay (doubling after), and jitter.</summary>
[GenerateSerializer, Alias("Platform.SagaRetry")]
public sealed record SagaRetry
{
    [Id(0)] public int MaxAttempts { get; init; } = 3;

    [Id(1)] public int BackoffMs { get; init; } = 100;

    [Id(2)] public bool Jitter { get; init; } = true;
}
