namespace Platform.Sagas;

/// <summary>
/// One attempt of a step's action or compensation, as the instance's write-ahead log records it: written with
/// <see cref="EndedAt"/> null before the call (the intent), completed after it (the result). An entry still open after
/// a crash is the step in doubt.
/// </summary>
[GenerateSerializer, Alias("Platform.SagaAttempt")]
public sealed record SagaAttempt
{
    [Id(0)] public string Step { get; init; } = "";

    /// <summary><c>action</c> or <c>compensation</c>.</summary>
    [Id(1)] public string Phase { get; init; } = "";

    [Id(2)] public int Attempt { get; init; }

    [Id(3)] public string IdempotencyKey { get; init; } = "";

    [Id(4)] public DateTimeOffset StartedAt { get; init; }

    [Id(5)] public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The HTTP status the call answered, if any.</summary>
    [Id(6)] public int? Status { get; init; }

    [Id(7)] public bool Succeeded { get; init; }

    [Id(8)] public string? Error { get; init; }
}
