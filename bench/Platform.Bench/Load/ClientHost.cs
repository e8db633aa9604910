using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Client;

namespace Platform.Bench.Load;

/// <summary>An application host with the typed client, set up as an application would (<c>AddPlatformClusterClient</c> + <c>AddPlatformClient</c>).</summary>
internal static class ClientHost
{
    /// <summary>Starts a host with <paramref name="settings"/> (Platform:* keys) over environment variables of the same keys.</summary>
    public static async Task<IHost> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddEnvironmentVariables().AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddPlatformClusterClient();
        builder.Services.AddPlatformClient(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }
}
