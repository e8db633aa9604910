namespace Platform.Discovery;

/// <summary>An instance's health: passing and warning instances are resolved, critical ones are not.</summary>
[GenerateSerializer, Alias("Platform.Discovery.HealthStatus")]
public enum HealthStatus
{
    /// <summary>Its check passed <c>rise</c> times in a row, or its TTL lease is held and heartbeats arrive on time.</summary>
    Passing = 0,

    /// <summary>Still resolved: failed probes below <c>fall</c>, or heartbeats late (phi above half its threshold).</summary>
    Warning = 1,

    /// <summary>Not resolved: failed <c>fall</c> probes in a row, not yet <c>rise</c> passes, or heartbeats too late (phi over its threshold).</summary>
    Critical = 2,
}
