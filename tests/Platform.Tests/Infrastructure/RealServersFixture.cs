using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Platform.Client;
using Platform.Silo.Hosting;
using Platform.Silo.Hosting.Cluster;
using Platform.KeyValue;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// Shared state of the tests against real PostgreSQL and Azurite: the connection strings (required), the schema
/// applied once, and per-fixture table names so that runs never see each other's data.
/// </summary>
public sealed class RealServersFixture : IAsyncLifetime
{
    public string Postgres { get; } = ExternalServices.Postgres;

    public string AzureTables { get; } = ExternalServices.AzureTables;

    /// <summary>A prefix unique to this fixture for table names and cluster ids.</summary>
    public string RunId { get; } = "t" + Guid.NewGuid().ToString("N")[..10];

    public async Task InitializeAsync()
    {
        await PostgresSchema.ApplyAsync(Postgres);
        await new TableServiceClient(AzureTables).GetPropertiesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Settings for a silo (or test cluster) on AzureTable storage with this fixture's tables.</summary>
    public Dictionary<string, string?> AzureTableSettings(string serviceId) => new()
    {
        ["Platform:Storage:Provider"] = "AzureTable",
        ["Platform:Storage:ConnectionString"] = AzureTables,
        ["Platform:Storage:ShardTableName"] = RunId + "Shards",
        ["Platform:Storage:GrainStateTableName"] = RunId + "State",
        ["Platform:Storage:TransactionalStateTableName"] = RunId + "Txn",
        ["Platform:Cluster:ServiceId"] = serviceId,
    };

    /// <summary>
    /// A two-silo TestCluster on TCP sockets with Platform's grains on AzureTable storage, and the typed client over
    /// its Orleans client. Dispose the returned scope to stop it.
    /// </summary>
    public async Task<AzureTableCluster> StartAzureTableClusterAsync(string serviceId)
    {
        var builder = new TestClusterBuilder(2);
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ServiceId = serviceId;
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(AzureTableSettings(serviceId)));
        builder.AddSiloBuilderConfigurator<AzureTableSiloConfigurator>();
        builder.AddClientBuilderConfigurator<TransactionsClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();

        var services = new ServiceCollection()
            .AddSingleton(cluster.Client)
            .AddSingleton<IGrainFactory>(cluster.Client)
            .AddPlatformClient(new ConfigurationBuilder().Build())
            .BuildServiceProvider();
        return new AzureTableCluster(cluster, services);
    }

    private sealed class AzureTableSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddPlatformGrains(siloBuilder.Configuration);
    }

    /// <summary>The cluster's client takes part in Orleans transactions (transactional namespaces).</summary>
    private sealed class TransactionsClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) => clientBuilder.UseTransactions();
    }

    /// <summary>Picks a free TCP port on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A running AzureTable test cluster and the typed client connected to it.</summary>
public sealed class AzureTableCluster(TestCluster cluster, ServiceProvider services) : IAsyncDisposable
{
    public TestCluster Cluster { get; } = cluster;

    public IKeyValueStore Store { get; } = services.GetRequiredService<IKeyValueStore>();

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
