using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Client.Cluster;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Cluster;

/// <summary><c>GET /v1/cluster</c> and <see cref="IClusterAdmin"/> on the client host connected to a two-silo cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterApiTests(ClusterFixture fixture)
{
    /// <summary>Both silos are listed Active with their gateway, times and an activation count; the client names its gateways.</summary>
    [Fact]
    public async Task GetCluster_ListsBothSilosActiveAndTheClientsGateways()
    {
        using var response = await fixture.Http.GetAsync("/v1/cluster");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        var silos = body.GetProperty("silos").EnumerateArray().ToList();
        var expected = fixture.Cluster.Silos.Select(s => s.SiloAddress.Endpoint.ToString()).Order().ToList();
        Assert.Equal(expected, silos.Select(s => s.GetProperty("address").GetString()!).Order().ToList());
        foreach (var silo in silos)
        {
            Assert.Equal("Active", silo.GetProperty("status").GetString());
            Assert.True(silo.GetProperty("activations").GetInt32() > 0);
            Assert.True(silo.GetProperty("startTime").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
            Assert.True(silo.GetProperty("lastIAmAlive").GetDateTimeOffset() >= silo.GetProperty("startTime").GetDateTimeOffset().AddSeconds(-1));
            Assert.False(string.IsNullOrEmpty(silo.GetProperty("gateway").GetString()));
        }

        Assert.False(body.GetProperty("embedded").GetBoolean());
        var gateways = body.GetProperty("gateways").EnumerateArray().Select(g => g.GetString()!).Order().ToList();
        Assert.Equal(fixture.Cluster.Silos.Select(s => s.GatewayAddress.Endpoint.ToString()).Order().ToList(), gateways);
    }

    /// <summary>The typed client returns the same view: one row per silo, all Active, under the cluster's id.</summary>
    [Fact]
    public async Task ClusterAdmin_GetStatus_MatchesTheTestCluster()
    {
        var status = await fixture.ClientServices.GetRequiredService<IClusterAdmin>().GetStatusAsync();

        Assert.Equal(fixture.Cluster.ClusterId, status.ClusterId);
        Assert.Equal(2, status.Silos.Count);
        Assert.All(status.Silos, s => Assert.Equal("Active", s.Status));
        Assert.Equal(2, status.Gateways.Count);
    }
}
