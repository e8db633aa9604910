using System.CommandLine;
using Platform.Client;
using Platform.Configuration;

namespace Platform.Bench.Commands;

/// <summary>The options of the typed-client drivers: which gateway, cluster and service to join.</summary>
internal sealed class GatewayOptions
{
    public Option<string> Gateway { get; } = new("--gateway")
    {
        Description = "Silo gateway address:port (Platform:Client:Gateways:0).",
        DefaultValueFactory = _ => "127.0.0.1:30000",
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "Platform:Cluster:ClusterId.",
        DefaultValueFactory = _ => "platform",
    };

    public Option<string> ServiceId { get; } = new("--service-id")
    {
        Description = "Platform:Cluster:ServiceId.",
        DefaultValueFactory = _ => "platform",
    };

    public void AddTo(Command command)
    {
        command.Add(Gateway);
        command.Add(ClusterId);
        command.Add(ServiceId);
    }

    /// <summary>The client settings, for <paramref name="gateway"/> instead of <c>--gateway</c> when given.</summary>
    public Dictionary<string, string?> Settings(ParseResult result, string? gateway = null) => new()
    {
        [$"{PlatformClientOptions.SectionName}:Embedded"] = "false",
        [$"{PlatformClientOptions.SectionName}:Gateways:0"] = gateway ?? result.GetRequiredValue(Gateway),
        [$"{PlatformClusterOptions.SectionName}:ClusterId"] = result.GetRequiredValue(ClusterId),
        [$"{PlatformClusterOptions.SectionName}:ServiceId"] = result.GetRequiredValue(ServiceId),
    };
}
