namespace Platform.Bench.Load.Sagas;

/// <summary>The shape of one saga run: closed-loop workers each starting a 3-step HTTP saga and watching it finish.</summary>
internal sealed record SagaBenchOptions
{
    public required Uri Url { get; init; }

    /// <summary>Definition name; a fresh one per run so instance ids never collide with an earlier run's.</summary>
    public required string Definition { get; init; }

    /// <summary>Sagas in flight (one closed-loop worker each).</summary>
    public required int Concurrency { get; init; }

    public required TimeSpan Duration { get; init; }

    public required TimeSpan Warmup { get; init; }

    /// <summary>Server processes on this machine whose CPU time per completed saga is reported (summed).</summary>
    public required IReadOnlyList<int> ServerPids { get; init; }

    /// <summary>Steps of each saga (each one POST to the stub).</summary>
    public const int Steps = 3;
}
