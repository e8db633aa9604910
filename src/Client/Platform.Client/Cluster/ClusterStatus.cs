namespace Platform.Client.Cluster;

/// <summary>The cluster as the membership table shows it, and how this client reaches it.</summary>
/// <param name="ClusterId">The cluster's id.</param>
/// <param name="Silos">Every silo in the membership table (dead ones included until Orleans prunes them), newest first.</param>
/// <param name="Gateways">The gateways this client uses (<c>address:port</c>); embedded: the co-hosted silo.</param>
/// <param name="Embedded">True when this client co-hosts a silo.</param>
public sealed record ClusterStatus(string ClusterId, IReadOnlyList<ClusterSilo> Silos, IReadOnlyList<string> Gateways, bool Embedded);
