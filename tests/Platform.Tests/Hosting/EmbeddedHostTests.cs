using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Platform.Testing.Http;
using Platform.Testing.Network;
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
            var ports = FreePorts.Next(2);
            web.UseSetting("Platform:Silo:Port", ports[0].ToString(CultureInfo.InvariantCulture));
            web.UseSetting("Platform:Silo:GatewayPort", ports[1].ToString(CultureInfo.InvariantCulture));
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
        var api = new PlatformApiClient(_http);
        (await api.PutKeyAsync("default", "embedded", "yes")).Expect(HttpStatusCode.Created);
        Assert.Equal("yes", (await api.GetKeyAsync("default", "embedded")).Text);

        // A burst of 20 with one more token per second: requests sent faster than one a second are refused once
        // the burst is spent. No time window is asserted: the loop goes on until the first 429 (bounded by a count
        // that a box answering more than one request a second always reaches the limit within).
        ApiResponse? limited = null;
        for (var i = 0; i < 2_000 && limited is null; i++)
        {
            var response = await api.GetKeyAsync("default", "embedded");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.NotNull(limited);
        ProblemAssert.IsProblem(limited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.RetryAfter);
    }
}
