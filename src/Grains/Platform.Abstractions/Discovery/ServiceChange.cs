namespace Platform.Discovery;

/// <summary>One change of a service, numbered by its index (1, 2, 3, ... per service, never reused).</summary>
[GenerateSerializer, Immutable, Alias("Platform.Discovery.ServiceChange")]
public sealed record ServiceChange
{
    [Id(0)] public required long Index { get; init; }

    /// <summary>Not <c>required</c>: JSON grain storage leaves default values out (Registered is 0).</summary>
    [Id(1)] public ServiceChangeKind Kind { get; init; }

    [Id(2)] public required string InstanceId { get; init; }

    /// <summary>The instance after the change; null when it was deregistered.</summary>
    [Id(3)] public ServiceInstance? Instance { get; init; }

    /// <summary>Why (expired, deregistered, critical for deregisterAfterMs, a check outcome).</summary>
    [Id(4)] public string? Reason { get; init; }
}
