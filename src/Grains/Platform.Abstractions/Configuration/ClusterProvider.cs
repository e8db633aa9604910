namespace Platform.Configuration;

/// <summary>Where silos find each other.</summary>
public enum ClusterProvider
{
    /// <summary>One machine: a silo on loopback ports, no membership table. The embedded default.</summary>
    Localhost = 0,

    /// <summary>Membership in PostgreSQL through Orleans' ADO.NET provider.</summary>
    AdoNet = 1,
}
