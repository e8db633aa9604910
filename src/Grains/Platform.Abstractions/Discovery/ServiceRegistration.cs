namespace Platform.Discovery;

/// <summary>What a client registers for one instance (checked by <see cref="DiscoveryRules.Check"/>).</summary>
[GenerateSerializer, Immutable, Alias("Platform.Discovery.ServiceRegistration")]
public sealed record ServiceRegistration
{
    [Id(0)] public required string Address { get; init; }

    [Id(1)] public required int Port { get; init; }

    /// <summary><c>http</c> (default) or <c>https</c>.</summary>
    [Id(2)] public string Scheme { get; init; } = "http";

    [Id(3)] public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    [Id(4)] public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Share under weighted round robin; 0 drains the instance (never picked).</summary>
    [Id(5)] public int Weight { get; init; } = 1;

    [Id(6)] public string? Zone { get; init; }

    /// <summary>A TTL registration: a lease the owner renews with heartbeats; it leaves when the lease ends.</summary>
    [Id(7)] public int? TtlMs { get; init; }

    [Id(8)] public HealthCheckSpec? Check { get; init; }

    /// <summary>Heartbeats late by this phi (accrual detector over arrival times) make the instance critical; null: off.</summary>
    [Id(9)] public double? PhiThreshold { get; init; }
}
