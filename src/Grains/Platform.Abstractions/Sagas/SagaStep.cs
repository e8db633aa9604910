namespace Platform.Sagas;

/// <summary>One step of a definition: its action, an optional compensation, the retry policy and the timeout of one attempt.</summary>
[GenerateSerializer, Alias("Platform.SagaStep")]
public sealed record SagaStep
{
    [Id(0)] public string Name { get; init; } = "";

    [Id(1)] public SagaOperation Action { get; init; } = new();

    [Id(2)] public SagaOperation? Compensation { get; init; }

    [Id(3)] public SagaRetry Retry { get; init; } = new();

    [Id(4)] public int TimeoutMs { get; init; } = 10_000;
}
