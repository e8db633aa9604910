namespace Platform.Discovery;

/// <summary>How <c>resolve</c> picks one healthy instance (wire names in <see cref="DiscoveryRules.StrategyName"/>).</summary>
[GenerateSerializer, Alias("Platform.Discovery.ResolveStrategy")]
public enum ResolveStrategy
{
    /// <summary><c>round-robin</c>: each healthy instance in turn, ordered by id.</summary>
    RoundRobin = 0,

    /// <summary><c>weighted</c>: smooth weighted round robin (nginx's), each instance in proportion to its weight.</summary>
    Weighted = 1,

    /// <summary><c>least-connections</c>: fewest picks not yet reported back.</summary>
    LeastConnections = 2,

    /// <summary><c>least-response-time</c>: lowest EWMA of reported latencies (unmeasured instances first).</summary>
    LeastResponseTime = 3,

    /// <summary><c>consistent-hash</c>: the key's point on a ring of virtual nodes, with bounded loads.</summary>
    ConsistentHash = 4,

    /// <summary><c>power-of-two</c>: two random instances, the one with fewer open picks.</summary>
    PowerOfTwo = 5,

    /// <summary><c>zone</c>: round robin over the requested zone, over every zone when it has no healthy instance.</summary>
    Zone = 6,
}
