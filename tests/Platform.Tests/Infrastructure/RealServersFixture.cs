using Azure.Data.Tables;
using Platform.Silo.Hosting.Cluster;
using Platform.Testing.Cluster;
using Platform.Testing.Setup;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// Shared state of the tests against real PostgreSQL and Azurite: the connection strings (required), the schema
/// applied once, and per-fixture table names so that runs never see each other's data.
/// </summary>
public sealed class RealServersFixture : IAsyncLifetime
{
    public string Postgres { get; } = TestServers.Postgres;

    public string AzureTables { get; } = TestServers.AzureTables;

    /// <summary>A prefix unique to this fixture for table names and cluster ids.</summary>
    public string RunId { get; } = "t" + Guid.NewGuid().ToString("N")[..10];

    public async Task InitializeAsync()
    {
        await PostgresSchema.ApplyAsync(Postgres);
        await new TableServiceClient(AzureTables).GetPropertiesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// A two-silo cluster on AzureTable storage with this fixture's tables, without an HTTP host. A later cluster
    /// with the same <paramref name="serviceId"/> reads what this one stored.
    /// </summary>
    public Task<PlatformTestCluster> StartAzureTableClusterAsync(string serviceId) => PlatformTestCluster.StartAsync(new()
    {
        Silos = 2,
        Storage = StorageMode.AzureTable,
        AzureTablesConnectionString = AzureTables,
        TablePrefix = RunId,
        ServiceId = serviceId,
        HttpHost = false,
    });
}
