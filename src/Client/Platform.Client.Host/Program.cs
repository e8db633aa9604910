using Platform.Client.Host.Sharding;
using Platform.Client;
using Platform.Client.Host.Api;
using Platform.Client.Host.Caches;
using Platform.Client.Host.Cluster;
using Platform.Client.Host.Discovery;
using Platform.Client.Host.EventLog;
using Platform.Client.Host.KeyValue;
using Platform.Client.Host.Locks;
using Platform.Client.Host.Observability;
using Platform.Client.Host.Replication;
using Platform.Client.Host.Sagas;
using Platform.Client.Host.Transactions;
using Platform.Configuration;
using Platform.Silo.Hosting;
using Platform.ServiceDefaults;

// The client host: Platform's HTTP API. With no configuration it co-hosts one silo (localhost clustering,
// in-memory storage) and listens on http://localhost:5080.
return await PlatformHost.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddPlatformServiceDefaults("platform-client");
    var client = builder.Configuration.ReadValidated<PlatformClientOptions>(PlatformClientOptions.SectionName);
    if (client.Embedded)
    {
        builder.AddPlatformSilo();
    }
    else
    {
        builder.AddPlatformClusterClient();
    }

    builder.Services.AddPlatformClient(builder.Configuration);
    builder.AddPlatformApi();
    builder.Services.AddObservability();

    var app = builder.Build();
    app.UsePlatformApi();
    app.UseMiddleware<GatewayRetryMiddleware>();
    app.MapPlatformDefaultEndpoints();
    var api = app.MapPlatformApi();
    api.MapShardingApi();
    api.MapKeyValueApi();
    api.MapReplicationApi();
    api.MapTransactionsApi();
    api.MapLocksApi();
    api.MapEventLogApi();
    api.MapClusterApi();
    api.MapCachesApi();
    api.MapSagasApi();
    api.MapDiscoveryApi();
    app.MapObservabilityApi();
    app.MapPlatformDashboard();
    await app.RunAsync();
});

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
