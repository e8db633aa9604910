using System.Net;
using System.Text.Json;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Hosting;

[Collection(ClusterCollection.Name)]
public sealed class OperationsEndpointsTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task HealthEndpoints_WhenConnectedToCluster_AreHealthy(string path)
    {
        using var response = await fixture.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_ServesPrometheusTextWithRequestMetrics()
    {
        (await fixture.Http.GetAsync("/v1/namespaces/default")).Dispose();
        var text = await fixture.Http.GetStringAsync("/metrics");
        Assert.Contains("# TYPE", text);
        Assert.Contains("http_server_request_duration", text);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesKeyValueAndNamespaceRoutes()
    {
        var document = JsonDocument.Parse(await fixture.Http.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/kv/{ns}/{key}", paths);
        Assert.Contains("/v1/namespaces/{ns}", paths);
        Assert.Contains("/v1/namespaces/{ns}/shards", paths);
    }

    [Fact]
    public async Task Docs_ServesTheBrowsableReference()
    {
        using var response = await fixture.Http.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
