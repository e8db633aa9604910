namespace Platform.Discovery;

/// <summary>One active probe's outcome, sent by the checker grain to the service grain.</summary>
[GenerateSerializer, Immutable, Alias("Platform.Discovery.CheckResult")]
public sealed record CheckResult
{
    [Id(0)] public required bool Passed { get; init; }

    [Id(1)] public required string Reason { get; init; }

    [Id(2)] public required DateTimeOffset At { get; init; }

    /// <summary>The registration's <see cref="ServiceInstance.RegisteredAt"/>/modify index the checker was started for; older results are dropped.</summary>
    [Id(3)] public required long Generation { get; init; }

    /// <summary>The silo that ran the probe.</summary>
    [Id(4)] public string? Silo { get; init; }
}
