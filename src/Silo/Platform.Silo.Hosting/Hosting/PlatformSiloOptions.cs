using Platform.Configuration;
namespace Platform.Silo.Hosting;

/// <summary>This silo's endpoints (<c>Platform:Silo</c>).</summary>
public sealed class PlatformSiloOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Silo";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int Port { get; set; } = 11111;

    /// <summary>Port clients connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo at. Default 127.0.0.1.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// How long a stopping silo (SIGTERM, Ctrl+C) may take to hand off its grains and leave the membership table
    /// before the host gives up. Default 30 s.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Serve the Orleans dashboard at <c>/dashboard</c> on this host's HTTP port. Default true.</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// Run with Orleans' Kubernetes hosting (<c>UseKubernetesHosting</c>: silo name, pod labels and defunct pods from
    /// the API server; needs <c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c> and RBAC on pods). Default false.
    /// </summary>
    public bool Kubernetes { get; set; }

    public IEnumerable<string> Validate()
    {
        if (ShutdownTimeout < TimeSpan.FromSeconds(1) || ShutdownTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"{SectionName}:ShutdownTimeout must be between 00:00:01 and 00:10:00 (got {ShutdownTimeout}).";
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"{SectionName}:Port must be between 1 and 65535 (got {Port}).";
        }

        if (GatewayPort is < 1 or > 65535)
        {
            yield return $"{SectionName}:GatewayPort must be between 1 and 65535 (got {GatewayPort}).";
        }

        if (GatewayPort == Port)
        {
            yield return $"{SectionName}:GatewayPort must differ from {SectionName}:Port (both {Port}).";
        }

        if (!System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return $"{SectionName}:AdvertisedAddress must be an IP address (got '{AdvertisedAddress}').";
        }
    }
}
