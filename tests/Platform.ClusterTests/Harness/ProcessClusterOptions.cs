namespace Platform.ClusterTests.Harness;

/// <summary>How a <see cref="ProcessCluster"/> is laid out and configured.</summary>
public sealed class ProcessClusterOptions
{
    /// <summary>Silo processes to start. Default 3.</summary>
    public int SiloCount { get; set; } = 3;

    /// <summary>
    /// <c>Platform:Storage:Provider</c> of every process: <c>AzureTable</c> (default, the Azurite of scripts/test.sh) or
    /// <c>Memory</c> (a memory cluster: grain state in the system replica group, replicated namespaces only).
    /// </summary>
    public string Storage { get; set; } = "AzureTable";

    /// <summary>Extra configuration passed to every process as <c>--key=value</c> (e.g. a building block's options).</summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>Extra configuration for silos only.</summary>
    public IDictionary<string, string> SiloSettings { get; } = new Dictionary<string, string>();

    /// <summary>Extra configuration for the client host only.</summary>
    public IDictionary<string, string> ClientSettings { get; } = new Dictionary<string, string>();

    /// <summary>How long one process may take to answer /readyz. Generous: the box is shared. Default 90 s.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How long to wait for the cluster to agree on membership (all Active, someone Dead). Default 60 s.</summary>
    public TimeSpan MembershipTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a SIGTERMed silo may take to shut down before it is SIGKILLed. Default 45 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Where process logs go; default a fresh folder under the system temp folder.</summary>
    public string? LogDirectory { get; set; }

    /// <summary>Prefix of the generated ClusterId/ServiceId (a fresh pair per cluster). Default <c>ct</c>.</summary>
    public string IdPrefix { get; set; } = "ct";
}
