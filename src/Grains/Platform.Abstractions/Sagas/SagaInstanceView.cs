namespace Platform.Sagas;

/// <summary>A saga instance as readers see it: its state, the step it is at, each step's outputs and every attempt.</summary>
[GenerateSerializer, Alias("Platform.SagaInstanceView")]
public sealed record SagaInstanceView
{
    [Id(0)] public string Id { get; init; } = "";

    [Id(1)] public string Definition { get; init; } = "";

    [Id(2)] public int Version { get; init; }

    [Id(3)] public string State { get; init; } = "";

    /// <summary>The step being run or compensated; null when at rest after the last one.</summary>
    [Id(4)] public string? CurrentStep { get; init; }

    /// <summary>The saga's input as JSON text.</summary>
    [Id(5)] public string Input { get; init; } = "{}";

    /// <summary>Each finished step's output as JSON text.</summary>
    [Id(6)] public IReadOnlyDictionary<string, string> Outputs { get; init; } = new Dictionary<string, string>();

    [Id(7)] public IReadOnlyList<SagaAttempt> History { get; init; } = [];

    /// <summary>Why it compensated or needs attention.</summary>
    [Id(8)] public string? Error { get; init; }

    [Id(9)] public DateTimeOffset CreatedAt { get; init; }

    [Id(10)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>True when this call created the instance; false when it answered one that existed.</summary>
    [Id(11)] public bool Created { get; init; }

    /// <summary>Each step's standing, in definition order: <c>pending</c>, <c>in-doubt</c>, <c>done</c>, <c>unknown</c>, <c>failed</c>, <c>compensated</c>, <c>skipped</c>.</summary>
    [Id(12)] public IReadOnlyList<string> Steps { get; init; } = [];

    /// <summary>The silo whose activation answered (its parsable address).</summary>
    [Id(13)] public string? Silo { get; init; }

    /// <summary>The log's revision: it grows with every write (a watch's event id).</summary>
    [Id(14)] public long Revision { get; init; }
}
