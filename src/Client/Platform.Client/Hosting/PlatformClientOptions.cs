using Platform.Configuration;
using System.Net;

namespace Platform.Client;

/// <summary>How the client host reaches the cluster (<c>Platform:Client</c>).</summary>
public sealed class PlatformClientOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Client";

    /// <summary>True (default): co-host one silo in this process. False: connect to an external cluster as a client.</summary>
    public bool Embedded { get; set; } = true;

    /// <summary>Gateways to connect to with the Localhost provider and Embedded=false. Default 127.0.0.1:30000.</summary>
    public string[] Gateways { get; set; } = [];

    /// <summary>How long an external client keeps retrying its first connection to the cluster at start-up. Default 60 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public IEnumerable<string> Validate()
    {
        if (ConnectTimeout < TimeSpan.Zero || ConnectTimeout > TimeSpan.FromHours(1))
        {
            yield return $"{SectionName}:ConnectTimeout must be between 00:00:00 and 01:00:00 (got {ConnectTimeout}).";
        }

        foreach (var gateway in Gateways)
        {
            if (!IPEndPoint.TryParse(gateway, out var endpoint) || endpoint.Port == 0)
            {
                yield return $"{SectionName}:Gateways entries must be address:port (got '{gateway}').";
            }
        }
    }
}
