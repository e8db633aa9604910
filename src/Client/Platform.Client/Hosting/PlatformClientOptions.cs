using System.Net;

namespace Platform.Client;

/// <summary>How the client host reaches the cluster (<c>Platform:Client</c>).</summary>
public sealed class PlatformClientOptions
{
    public const string SectionName = "Platform:Client";

    /// <summary>True (default): co-host one silo in this process. False: connect to an external cluster as a client.</summary>
    public bool Embedded { get; set; } = true;

    /// <summary>Gateways to connect to with the Localhost provider and Embedded=false. Default 127.0.0.1:30000.</summary>
    public string[] Gateways { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        foreach (var gateway in Gateways)
        {
            if (!IPEndPoint.TryParse(gateway, out var endpoint) || endpoint.Port == 0)
            {
                yield return $"{SectionName}:Gateways entries must be address:port (got '{gateway}').";
            }
        }
    }
}
