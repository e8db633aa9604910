using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc.Testing;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Hosting;

/// <summary>The embedded default: the client host co-hosts a silo and serves the API with no cluster around it.</summary>
public sealed class EmbeddedHostTests : IAsyncLifetime
{
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Platform:Silo:Port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Platform:Silo:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Platform:RateLimit:PermitsPerSecond", "1");
            web.UseSetting("Platform:RateLimit:Burst", "20");
        });
        _http = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task EmbeddedHost_ServesKeyValueApiAndRateLimitsWith429()
    {
        using (var put = await _http.PutAsync("/v1/kv/default/embedded", new StringContent("yes")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        Assert.Equal("yes", await _http.GetStringAsync("/v1/kv/default/embedded"));

        // A burst of 20 with one more token per second: some of 40 quick requests must be refused.
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 40 && limited is null; i++)
        {
            var response = await _http.GetAsync("/v1/kv/default/embedded");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        await ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
        limited.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
