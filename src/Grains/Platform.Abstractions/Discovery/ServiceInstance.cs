namespace Platform.Discovery;

/// <summary>One registered instance as the registry holds it: registration, owner, health and why.</summary>
[GenerateSerializer, Immutable, Alias("Platform.Discovery.ServiceInstance")]
public sealed record ServiceInstance
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required ServiceRegistration Registration { get; init; }

    /// <summary>The owner token; null: anyone may renew or remove it. Never sent over HTTP.</summary>
    [Id(2)] public string? Owner { get; init; }

    [Id(3)] public HealthStatus Health { get; init; }

    /// <summary>Why it has its health (the last check's outcome, a late heartbeat, an ejection).</summary>
    [Id(4)] public string? Reason { get; init; }

    [Id(5)] public DateTimeOffset? LastCheckAt { get; init; }

    /// <summary>TTL registrations: when the lease ends unless renewed.</summary>
    [Id(6)] public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The fencing token of the TTL lease (lock <c>discovery/{service}/{id}</c>).</summary>
    [Id(7)] public long LeaseToken { get; init; }

    [Id(8)] public DateTimeOffset RegisteredAt { get; init; }

    /// <summary>The change index that last changed this instance.</summary>
    [Id(9)] public long ModifyIndex { get; init; }

    /// <summary>Since when the instance is critical (for <c>deregisterAfterMs</c>).</summary>
    [Id(10)] public DateTimeOffset? CriticalSince { get; init; }

    /// <summary>Ejected by passive outlier detection until then (not resolved meanwhile).</summary>
    [Id(11)] public DateTimeOffset? EjectedUntil { get; init; }

    /// <summary>The silo whose checker grain ran the last probe.</summary>
    [Id(12)] public string? CheckedBy { get; init; }
}
