namespace Platform.ClusterTests.Harness;

/// <summary>One silo row of <c>GET /v1/cluster</c>: address (contains ip:port), status (Joining/Active/ShuttingDown/Dead).</summary>
public sealed record ClusterMember(string Address, string Status)
{
    public bool IsActive => Status.Equals("Active", StringComparison.OrdinalIgnoreCase);

    public bool IsDead => Status.Equals("Dead", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when this row is a silo listening on 127.0.0.1:<paramref name="siloPort"/> (any generation).</summary>
    public bool IsOnPort(int siloPort) => ClusterView.AddressHasPort(Address, siloPort);
}
