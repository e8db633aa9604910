namespace Platform.Sagas;

/// <summary>
/// The persisted state of <see cref="SagaInstanceGrain"/>, its write-ahead log: the definition version it runs, the
/// cursor (<see cref="Index"/> in <see cref="State"/>), each step's standing and output, and every attempt (an open
/// attempt is an intent whose result was never recorded).
/// </summary>
[GenerateSerializer, Alias("Platform.SagaInstanceState")]
public sealed record SagaInstanceState
{
    [Id(0)] public SagaDefinition? Definition { get; init; }

    [Id(1)] public string Input { get; init; } = "{}";

    [Id(2)] public string State { get; init; } = "";

    /// <summary>The step being run (running) or the next one to compensate going down (compensating, needs attention).</summary>
    [Id(3)] public int Index { get; init; }

    /// <summary>Per step: <c>pending</c>, <c>in-doubt</c>, <c>done</c>, <c>unknown</c>, <c>failed</c>, <c>compensated</c>, <c>skipped</c>.</summary>
    [Id(4)] public List<string> Steps { get; init; } = [];

    [Id(5)] public Dictionary<string, string> Outputs { get; init; } = [];

    [Id(6)] public List<SagaAttempt> History { get; init; } = [];

    [Id(7)] public string? Error { get; init; }

    [Id(8)] public bool AbortRequested { get; init; }

    [Id(9)] public DateTimeOffset CreatedAt { get; init; }

    [Id(10)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>How many times the log was written: one transition (or attempt) per revision.</summary>
    [Id(11)] public long Revision { get; init; }
}
