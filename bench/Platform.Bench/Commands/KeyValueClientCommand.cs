using System.CommandLine;
using Platform.Bench.Load;
using Platform.Client;
using Platform.Configuration;

namespace Platform.Bench.Commands;

/// <summary><c>kv-client</c>: load through the typed client (IKeyValueStore over IClusterClient) on a silo gateway.</summary>
internal static class KeyValueClientCommand
{
    public static Command Create()
    {
        var gateway = new Option<string>("--gateway")
        {
            Description = "Silo gateway address:port (Platform:Client:Gateways:0).",
            DefaultValueFactory = _ => "127.0.0.1:30000",
        };
        var clusterId = new Option<string>("--cluster-id")
        {
            Description = "Platform:Cluster:ClusterId.",
            DefaultValueFactory = _ => "platform",
        };
        var serviceId = new Option<string>("--service-id")
        {
            Description = "Platform:Cluster:ServiceId.",
            DefaultValueFactory = _ => "platform",
        };
        var load = new LoadCommandOptions();
        var command = new Command("kv-client", "Drive IKeyValueStore.GetAsync or PutAsync as an external Orleans client.") { gateway, clusterId, serviceId };
        load.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var options = load.Read(result);
            var settings = new Dictionary<string, string?>
            {
                [$"{PlatformClientOptions.SectionName}:Embedded"] = "false",
                [$"{PlatformClientOptions.SectionName}:Gateways:0"] = result.GetRequiredValue(gateway),
                [$"{PlatformClusterOptions.SectionName}:ClusterId"] = result.GetRequiredValue(clusterId),
                [$"{PlatformClusterOptions.SectionName}:ServiceId"] = result.GetRequiredValue(serviceId),
            };
            try
            {
                var target = await ClientKeyValueTarget.ConnectAsync(settings, options.Namespace, ct);
                return await LoadRunner.RunAsync(target, options, ct);
            }
            catch (PlatformConfigurationException ex)
            {
                await Console.Error.WriteLineAsync($"Configuration error: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
