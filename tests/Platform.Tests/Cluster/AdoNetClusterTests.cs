using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Client;
using Platform.Silo.Hosting;
using Platform.KeyValue;
using Platform.Testing.Network;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Cluster;

/// <summary>Silos and a gateway client finding each other through the PostgreSQL membership table.</summary>
[Collection(RealServersCollection.Name)]
public sealed class AdoNetClusterTests(RealServersFixture fixture)
{
    /// <summary>
    /// Two silos started with AddPlatformSilo (AdoNet, InitializeSchema, distinct ports) form one cluster, and a client
    /// started with AddPlatformClusterClient finds them in the table and serves key-value calls; reminders are durable.
    /// </summary>
    [Fact]
    public async Task SilosAndClient_WithAdoNetProvider_JoinOneCluster()
    {
        var clusterId = fixture.RunId + "-adonet";
        var settings = new Dictionary<string, string?>
        {
            ["Platform:Cluster:Provider"] = "AdoNet",
            ["Platform:Cluster:ConnectionString"] = fixture.Postgres,
            ["Platform:Cluster:InitializeSchema"] = "true",
            ["Platform:Cluster:ClusterId"] = clusterId,
            ["Platform:Cluster:ServiceId"] = clusterId,

            // A multi-silo cluster refuses memory storage (a silo's memory is the only copy of what it holds).
            ["Platform:Storage:Provider"] = "AzureTable",
            ["Platform:Storage:ConnectionString"] = fixture.AzureTables,
            ["Platform:Storage:ShardTableName"] = fixture.RunId + "AdoShards",
            ["Platform:Storage:GrainStateTableName"] = fixture.RunId + "AdoState",
            ["Platform:Storage:TransactionalStateTableName"] = fixture.RunId + "AdoTxn",
        };

        var silos = new List<IHost>();
        IHost? client = null;
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var silo = Host.CreateApplicationBuilder();
                silo.Configuration.AddInMemoryCollection(settings);
                var ports = FreePorts.Next(2);
                silo.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Platform:Silo:Port"] = ports[0].ToString(CultureInfo.InvariantCulture),
                    ["Platform:Silo:GatewayPort"] = ports[1].ToString(CultureInfo.InvariantCulture),
                });
                silo.AddPlatformSilo();
                var host = silo.Build();
                silos.Add(host);
                await host.StartAsync();
            }

            var clientBuilder = Host.CreateApplicationBuilder();
            clientBuilder.Configuration.AddInMemoryCollection(settings);
            clientBuilder.AddPlatformClusterClient();
            clientBuilder.Services.AddPlatformClient(clientBuilder.Configuration);
            client = clientBuilder.Build();
            await client.StartAsync();

            var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            var hosts = await management.GetHosts(onlyActive: true);
            Assert.Equal(2, hosts.Count);

            var store = client.Services.GetRequiredService<IKeyValueStore>();
            for (var i = 0; i < 20; i++)
            {
                await store.PutAsync("default", $"k{i}", [(byte)i]);
            }

            for (var i = 0; i < 20; i++)
            {
                Assert.Equal([(byte)i], (await store.GetAsync("default", $"k{i}"))!.Value);
            }

            // Reminders go to PostgreSQL: registering one through the reminder table round-trips.
            var reminders = silos[0].Services.GetRequiredService<IReminderTable>();
            var grainId = GrainId.Create("test", clusterId);
            var etag = await reminders.UpsertRow(new ReminderEntry
            {
                GrainId = grainId,
                ReminderName = "r1",
                StartAt = DateTime.UtcNow,
                Period = TimeSpan.FromMinutes(1),
            });
            var row = await reminders.ReadRow(grainId, "r1");
            Assert.NotNull(etag);
            Assert.Equal(etag, row?.ETag);
            Assert.True(await reminders.RemoveRow(grainId, "r1", etag));
        }
        finally
        {
            if (client is not null)
            {
                await client.StopAsync();
                client.Dispose();
            }

            foreach (var silo in Enumerable.Reverse(silos))
            {
                await silo.StopAsync();
                silo.Dispose();
            }
        }
    }
}
