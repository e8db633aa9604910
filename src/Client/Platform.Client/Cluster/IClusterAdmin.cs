namespace Platform.Client.Cluster;

/// <summary>What the cluster looks like from this client: every silo in the membership table, and this client's gateways.</summary>
public interface IClusterAdmin
{
    /// <summary>Each silo's address, status, start time, last "I am alive" and activation count; and the gateways this client uses.</summary>
    Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>The membership table's rows alone (activation counts null): one table read, no call to every silo.</summary>
    Task<IReadOnlyList<ClusterSilo>> GetSilosAsync(CancellationToken cancellationToken = default);
}
