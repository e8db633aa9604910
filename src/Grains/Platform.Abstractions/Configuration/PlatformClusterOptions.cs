namespace Platform.Configuration;

/// <summary>How silos and clients form and find the cluster (<c>Platform:Cluster</c>).</summary>
public sealed class PlatformClusterOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Cluster";

    /// <summary><c>Localhost</c> (default) or <c>AdoNet</c>.</summary>
    public ClusterProvider Provider { get; set; } = ClusterProvider.Localhost;

    /// <summary>The cluster's id; silos and clients with the same id form one cluster. Default <c>platform</c>.</summary>
    public string ClusterId { get; set; } = "platform";

    /// <summary>The service's id, stable across deployments (storage is keyed by it). Default <c>platform</c>.</summary>
    public string ServiceId { get; set; } = "platform";

    /// <summary>The membership database's connection string (AdoNet only): an Npgsql connection string to PostgreSQL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// AdoNet only: apply Platform's PostgreSQL schema (idempotent) when a silo starts. Default false: run
    /// <c>scripts/db-init.sh</c> once instead.
    /// </summary>
    public bool InitializeSchema { get; set; }

    /// <summary>Failure detection (<c>Platform:Cluster:FailureDetection</c>).</summary>
    public FailureDetectionOptions FailureDetection { get; set; } = new();

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            yield return $"{SectionName}:ClusterId must not be empty.";
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            yield return $"{SectionName}:ServiceId must not be empty.";
        }

        if (Provider == ClusterProvider.AdoNet && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{SectionName}:ConnectionString is required when {SectionName}:Provider is AdoNet.";
        }

        foreach (var error in FailureDetection.Validate())
        {
            yield return error;
        }
    }
}
