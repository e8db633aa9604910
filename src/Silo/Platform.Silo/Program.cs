using Platform.Silo.Hosting;
using Platform.ServiceDefaults;

// A standalone silo: joins the cluster named by Platform:Cluster and serves /healthz, /readyz and /metrics.
return await PlatformHost.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddPlatformServiceDefaults("platform-silo");
    builder.AddPlatformSilo();
    var app = builder.Build();
    app.MapPlatformDefaultEndpoints();
    app.MapPlatformDashboard();
    await app.RunAsync();
});
