using Platform.Configuration;
using Platform.Silo.Hosting;
using Platform.ServiceDefaults;

// A standalone silo: joins the cluster named by Platform:Cluster and serves /healthz, /readyz and /metrics.
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddPlatformServiceDefaults("platform-silo");
    builder.AddPlatformSilo();
    var app = builder.Build();
    app.MapPlatformDefaultEndpoints();
    await app.RunAsync();
    return 0;
}
catch (PlatformConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"Configuration error: {ex.Message}");
    return 2;
}
