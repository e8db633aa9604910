namespace Platform.Discovery;

/// <summary>An active check: an HTTP GET (relative path or http(s) URL) or a TCP connect, every interval.</summary>
[GenerateSerializer, Immutable, Alias("Platform.Discovery.HealthCheckSpec")]
public sealed record HealthCheckSpec
{
    /// <summary>A path relative to the instance (<c>/healthz</c>) or an absolute http(s) URL; 2xx and 3xx pass.</summary>
    [Id(0)] public string? Http { get; init; }

    /// <summary>A TCP connect to the instance's address and port; passes when it connects.</summary>
    [Id(1)] public bool Tcp { get; init; }

    [Id(2)] public int IntervalMs { get; init; } = 10_000;

    [Id(3)] public int TimeoutMs { get; init; } = 2_000;

    /// <summary>Passes in a row that make a non-passing instance passing.</summary>
    [Id(4)] public int Rise { get; init; } = 2;

    /// <summary>Failures in a row that make an instance critical (fewer make it warning).</summary>
    [Id(5)] public int Fall { get; init; } = 3;

    /// <summary>A critical instance is deregistered after this long critical; null keeps it.</summary>
    [Id(6)] public int? DeregisterAfterMs { get; init; }
}
