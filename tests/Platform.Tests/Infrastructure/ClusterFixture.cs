using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Platform.Silo.Hosting;
using Platform.KeyValue.Storage;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// A two-silo Orleans test cluster on real TCP sockets with Platform's grains, plus the HTTP client host
/// (through WebApplicationFactory) connected to it as a real Orleans client over its gateways. One per collection.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public WebApplicationFactory<Program> Api { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Services of the client host: the typed client (IKeyValueStore, ...) as a frontend would use it.</summary>
    public IServiceProvider ClientServices => Api.Services;

    /// <summary>Configuration both the silos and the client host see.</summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Platform:KeyValue:MaxValueBytes"] = "65536",
    };

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);

        // Real sockets, so the client host below connects the way it does in production.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        var storageKey = Guid.NewGuid().ToString("N");
        _storageKey = storageKey;
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(Settings)
            .AddInMemoryCollection([new(StorageKeySetting, storageKey)]));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        var gateways = Cluster.Silos.Select(s => s.GatewayAddress.Endpoint.ToString()).ToArray();
        Api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Platform:Client:Embedded", "false");
            web.UseSetting("Platform:Cluster:ClusterId", Cluster.Options.ClusterId);
            web.UseSetting("Platform:Cluster:ServiceId", Cluster.Options.ServiceId);
            for (var i = 0; i < gateways.Length; i++)
            {
                web.UseSetting($"Platform:Client:Gateways:{i}", gateways[i]);
            }

            foreach (var (key, value) in Settings)
            {
                web.UseSetting(key, value);
            }
        });
        Http = Api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }

        if (Cluster is not null)
        {
            SharedGrainStorage.Forget(_storageKey);
            SharedShardStorage.TryRemove(Cluster.Client.ServiceProvider.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()[StorageKeySetting] ?? "", out _);
            await Cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// One shard store per test cluster (keyed by service id), shared by its silos so that shard data outlives
    /// any one silo as an external store's would. Silo configurators are created by type, hence the registry.
    /// </summary>
    private static readonly ConcurrentDictionary<string, MemoryShardStorage> SharedShardStorage = new();

    /// <summary>This cluster's lease state store, for tests that play another activation writing behind a grain's back.</summary>
    public SharedGrainStorage.Store LeaseStore => SharedGrainStorage.For(_storageKey);

    private string _storageKey = "";

    private const string StorageKeySetting = "PlatformTests:ShardStorageKey";

    /// <summary>The test cluster's own client takes part in Orleans transactions like the HTTP host's.</summary>
    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) => clientBuilder.UseTransactions();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = siloBuilder.Configuration;
            var key = configuration[StorageKeySetting] ?? throw new InvalidOperationException($"{StorageKeySetting} is not set.");
            siloBuilder.Services.AddSingleton<IShardStorage>(SharedShardStorage.GetOrAdd(key, _ => new MemoryShardStorage()));
            SharedGrainStorage.AddAsLeaseStorage(siloBuilder, key);
            siloBuilder.AddPlatformGrains(configuration);
        }
    }
}
