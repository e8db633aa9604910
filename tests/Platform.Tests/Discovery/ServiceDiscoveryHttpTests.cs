using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;
using Microsoft.Extensions.Time.Testing;
using Platform.Discovery;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;
using Polly.CircuitBreaker;

namespace Platform.Tests.Discovery;

/// <summary>
/// <c>AddPlatformServiceDiscovery()</c> against real Kestrel instances: an <see cref="HttpClient"/> on <c>http://{service}</c>
/// balances over the pushed registry cache, through Microsoft.Extensions.Http.Resilience's breaker, retry and hedging.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ServiceDiscoveryHttpTests(ClusterFixture fixture)
{
    private static string NewService() => "http-" + Guid.NewGuid().ToString("N")[..10];

    private IServiceDiscovery Discovery => fixture.Service<IServiceDiscovery>();

    private ServiceProvider Client(TimeProvider time, params (string Key, string Value)[] settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());
        services.AddSingleton(time);
        services.AddSingleton(Discovery);
        services.AddPlatformServiceDiscovery();
        return services.BuildServiceProvider();
    }

    private static (string, string)[] NoRetries(params (string, string)[] more) =>
    [
        ("Platform:Discovery:Http:MaxRetryAttempts", "0"),
        ("Platform:Discovery:Http:MaxHedgedAttempts", "0"),
        .. more,
    ];

    private async Task Register(string service, string id, StubInstance stub) =>
        await Discovery.RegisterAsync(service, id, new ServiceRegistration { Address = "127.0.0.1", Port = stub.Port });

    private static async Task<HttpStatusCode> Status(HttpClient http, string service)
    {
        using var response = await http.GetAsync(new Uri($"http://{service}/work"));
        return response.StatusCode;
    }

    /// <summary>
    /// The per-instance breaker (Polly's, by authority) opens after its minimum throughput of failures, stays open for
    /// the break duration on the fake clock, lets one trial through (half-open: a failed trial opens it again), and closes
    /// once a trial passes.
    /// </summary>
    [Fact]
    public async Task CircuitBreaker_OpensAfterItsThreshold_HalfOpens_AndClosesWhenTheInstanceRecovers()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var stub = await StubInstance.StartAsync();
        var service = NewService();
        await Register(service, "only", stub);
        await using var sp = Client(time, NoRetries(
            ("Platform:Discovery:Http:BreakerMinimumThroughput", "4"),
            ("Platform:Discovery:Http:BreakerBreakMs", "5000"),
            ("Platform:Discovery:Http:ReportOutcomes", "false")));
        using var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient("breaker");

        stub.Failing = true;
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await Status(http, service));
        }

        Assert.Equal(4, stub.Hits);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => Status(http, service));   // open: nothing sent
        time.Advance(TimeSpan.FromMilliseconds(4900));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => Status(http, service));
        Assert.Equal(4, stub.Hits);

        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await Status(http, service));   // half-open: one trial, failed
        Assert.Equal(5, stub.Hits);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => Status(http, service));   // open again
        Assert.Equal(5, stub.Hits);

        stub.Failing = false;
        time.Advance(TimeSpan.FromMilliseconds(5100));
        Assert.Equal(HttpStatusCode.OK, await Status(http, service));                    // the trial passes: closed
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Status(http, service));
        }

        Assert.Equal(16, stub.Hits);
    }

    /// <summary>
    /// Five failed outcomes in a row eject an instance locally (no more traffic to it) and are reported to the registry
    /// (which ejects it too); after the base ejection time on the fake clock it is picked again.
    /// </summary>
    [Fact]
    public async Task PassiveEjection_StopsTrafficToTheFailingInstance_AndExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bad = await StubInstance.StartAsync();
        await using var good = await StubInstance.StartAsync();
        bad.Failing = true;
        var service = NewService();
        await Register(service, "bad", bad);
        await Register(service, "good", good);
        await using var sp = Client(time, NoRetries(("Platform:Discovery:Http:BreakerMinimumThroughput", "1000")));
        using var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient("eject");

        for (var i = 0; i < 10; i++)
        {
            await Status(http, service);
        }

        Assert.Equal(5, bad.Hits);   // round robin: every other request, five failures in a row
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Status(http, service));
        }

        Assert.Equal(5, bad.Hits);
        await Eventually.Until(async ct => (await Discovery.GetAsync(service, cancellationToken: ct)).Instances.Single(x => x.Id == "bad").EjectedUntil is not null, "the registry to eject it from the reports");

        time.Advance(TimeSpan.FromMilliseconds(29_900));
        await Status(http, service);
        await Status(http, service);
        Assert.Equal(5, bad.Hits);
        time.Advance(TimeSpan.FromMilliseconds(200));
        await Status(http, service);
        await Status(http, service);
        Assert.Equal(6, bad.Hits);   // the ejection expired: picked again
    }

    /// <summary>
    /// The cache follows the registry's watch: a deregistered instance leaves the Microsoft.Extensions.ServiceDiscovery
    /// endpoints and gets no more requests; a new registration joins them; no request calls the registry to resolve.
    /// </summary>
    [Fact]
    public async Task Cache_FollowsADeregistration_AndANewRegistration()
    {
        await using var a = await StubInstance.StartAsync();
        await using var b = await StubInstance.StartAsync();
        await using var c = await StubInstance.StartAsync();
        var service = NewService();
        await Register(service, "a", a);
        await Register(service, "b", b);
        await using var sp = Client(TimeProvider.System);
        using var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient("cache");
        var resolver = sp.GetRequiredService<ServiceEndpointResolver>();

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Status(http, service));
        }

        Assert.Equal((2, 2), (a.Hits, b.Hits));
        await Discovery.DeregisterAsync(service, "a");
        await Eventually.Until(async ct => (await resolver.GetEndpointsAsync($"http://{service}", ct)).Endpoints.Count == 1, "the deregistration to reach the cache");
        var before = a.Hits;
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Status(http, service));
        }

        Assert.Equal(before, a.Hits);
        await Register(service, "c", c);
        await Eventually.Until(async ct => (await resolver.GetEndpointsAsync($"http://{service}", ct)).Endpoints.Count == 2, "the registration to reach the cache");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Status(http, service));
        }

        Assert.Equal(2, c.Hits);
        var ports = (await resolver.GetEndpointsAsync($"http://{service}", default)).Endpoints
            .Select(e => e.Features.Get<ServiceInstanceFeature>()!.Instance.Registration.Port).Order().ToList();
        Assert.Equal(new[] { b.Port, c.Port }.Order().ToList(), ports);
    }

    /// <summary>A retry (jittered backoff) picks another instance: with one instance failing every GET still succeeds.</summary>
    [Fact]
    public async Task Retry_PicksAnotherInstance_SoEveryRequestSucceeds()
    {
        await using var bad = await StubInstance.StartAsync();
        await using var good = await StubInstance.StartAsync();
        bad.Failing = true;
        var service = NewService();
        await Register(service, "bad", bad);
        await Register(service, "good", good);
        await using var sp = Client(TimeProvider.System,
            ("Platform:Discovery:Http:MaxRetryAttempts", "2"),
            ("Platform:Discovery:Http:RetryBaseDelayMs", "10"),
            ("Platform:Discovery:Http:MaxHedgedAttempts", "0"),
            ("Platform:Discovery:Http:ReportOutcomes", "false"));
        using var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient("retry");
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await Status(http, service));
        }

        Assert.True(bad.Hits >= 1, "round robin tried the failing instance");
    }

    /// <summary>Hedging: with one instance hanging, a GET that waits past the hedging delay is answered by the other instance.</summary>
    [Fact]
    public async Task Hedging_AnswersFromTheOtherInstance_WhenOneHangs()
    {
        await using var slow = await StubInstance.StartAsync(TimeSpan.FromSeconds(20));
        await using var fast = await StubInstance.StartAsync();
        var service = NewService();
        await Register(service, "slow", slow);
        await Register(service, "fast", fast);
        await using var sp = Client(TimeProvider.System,
            ("Platform:Discovery:Http:MaxRetryAttempts", "0"),
            ("Platform:Discovery:Http:HedgingDelayMs", "100"),
            ("Platform:Discovery:Http:ReportOutcomes", "false"));
        using var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient("hedge");
        for (var i = 0; i < 4; i++)
        {
            var body = await http.GetStringAsync(new Uri($"http://{service}/work"));
            Assert.Equal(fast.Port.ToString(CultureInfo.InvariantCulture), body);
        }

        Assert.True(slow.Hits >= 1, "some primary attempt went to the hanging instance");
    }
}
