using System.Diagnostics;
using Platform.Discovery;
using Platform.Testing.Waiting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Discovery;

/// <summary>Active checks against real Kestrel instances, and the latency-aware strategies with one instance 50 ms slower.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DiscoveryCheckTests(ClusterFixture fixture)
{
    private static string NewService() => "chk-" + Guid.NewGuid().ToString("N")[..10];

    private IServiceDiscovery Discovery => fixture.Service<IServiceDiscovery>();

    private async Task<ServiceInstance> InstanceAsync(string service, string id) => (await Discovery.GetAsync(service)).Instances.Single(i => i.Id == id);

    /// <summary>
    /// One failed probe turns a passing instance warning (still resolved), <c>fall</c> failures critical (not resolved);
    /// <c>rise</c> passes bring it back. The change log shows passing → warning → critical → passing, no flapping.
    /// </summary>
    [Fact]
    public async Task HttpCheck_FallFailuresTurnCritical_AndRisePassesBringItBack()
    {
        await using var stub = await StubInstance.StartAsync();
        var service = NewService();
        var check = new HealthCheckSpec { Http = "/healthz", IntervalMs = 150, TimeoutMs = 1000, Rise = 2, Fall = 3 };
        await Discovery.RegisterAsync(service, "web", new ServiceRegistration { Address = "127.0.0.1", Port = stub.Port, Check = check });
        await Discovery.RegisterAsync(service, "other", new ServiceRegistration { Address = "127.0.0.1", Port = 1 });
        Assert.Equal(HealthStatus.Critical, (await InstanceAsync(service, "web")).Health);   // until rise passes
        await Eventually.Until(async _ => (await InstanceAsync(service, "web")).Health == HealthStatus.Passing, "two passes");
        var start = (await Discovery.GetAsync(service)).Index;

        stub.Healthy = false;
        await Eventually.Until(async _ => (await InstanceAsync(service, "web")).Health == HealthStatus.Critical, "three failures");
        var critical = await InstanceAsync(service, "web");
        Assert.StartsWith("failed 3 of 3 in a row: HTTP GET /healthz: 503", critical.Reason, StringComparison.Ordinal);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("other", (await Discovery.ResolveAsync(service, new ResolveRequest())).Id);
        }

        stub.Healthy = true;
        await Eventually.Until(async _ => (await InstanceAsync(service, "web")).Health == HealthStatus.Passing, "two passes again");
        var changes = (await Discovery.GetAsync(service, start)).Changes.Where(c => c.InstanceId == "web").Select(c => c.Instance!.Health).ToList();
        Assert.Equal([HealthStatus.Warning, HealthStatus.Critical, HealthStatus.Passing], changes);
        Assert.Contains("web", await ResolvedIdsAsync(service, 4));
    }

    /// <summary>A TCP check passes while the instance listens and fails once it stops; critical past deregisterAfterMs deregisters it.</summary>
    [Fact]
    public async Task TcpCheck_FailsWhenTheInstanceStops_AndDeregisterAfterRemovesIt()
    {
        var stub = await StubInstance.StartAsync();
        var service = NewService();
        var check = new HealthCheckSpec { Tcp = true, IntervalMs = 150, TimeoutMs = 500, Rise = 1, Fall = 1, DeregisterAfterMs = 1500 };
        await Discovery.RegisterAsync(service, "tcp", new ServiceRegistration { Address = "127.0.0.1", Port = stub.Port, Check = check });
        await Eventually.Until(async _ => (await InstanceAsync(service, "tcp")).Health == HealthStatus.Passing, "the connect to pass");
        await stub.DisposeAsync();
        await Eventually.Until(async ct => (await Discovery.GetAsync(service, cancellationToken: ct)).Instances.Count == 0, "deregistration after 1.5 s critical");
        var last = (await Discovery.GetAsync(service, 0)).Changes[^1];
        Assert.Equal((ServiceChangeKind.Deregistered, "critical for deregisterAfterMs (1500 ms)"), (last.Kind, last.Reason));
    }

    /// <summary>Checkers are spread over the silos (hash-based placement): sixteen checked instances on two silos use both.</summary>
    [Fact]
    public async Task Checkers_AreSpreadOverTheSilos()
    {
        await using var stub = await StubInstance.StartAsync();
        var service = NewService();
        for (var i = 0; i < 16; i++)
        {
            await Discovery.RegisterAsync(service, $"c{i}", new ServiceRegistration
            {
                Address = "127.0.0.1",
                Port = stub.Port,
                Check = new HealthCheckSpec { Http = "/healthz", IntervalMs = 200, Rise = 1 },
            });
        }

        await Eventually.Until(async ct => (await Discovery.GetAsync(service, cancellationToken: ct)).Instances.All(i => i.CheckedBy is not null), "every instance checked");
        var silos = (await Discovery.GetAsync(service)).Instances.Select(i => i.CheckedBy).Distinct().Count();
        Assert.Equal(2, silos);
    }

    /// <summary>
    /// Two real Kestrel instances, one 250 ms slower (far above what a loaded machine adds to the fast one, so scheduling
    /// noise cannot make the slow one look faster for long): least response time (EWMA of reported latencies) and least
    /// connections (8 callers at once) send most requests to the fast one.
    /// </summary>
    [Theory]
    [InlineData(ResolveStrategy.LeastResponseTime, 1)]
    [InlineData(ResolveStrategy.LeastConnections, 8)]
    public async Task LatencyAwareStrategies_SendMostTrafficToTheFastInstance(ResolveStrategy strategy, int callers)
    {
        await using var fast = await StubInstance.StartAsync();
        await using var slow = await StubInstance.StartAsync(TimeSpan.FromMilliseconds(250));
        var service = NewService();
        await Discovery.RegisterAsync(service, "fast", new ServiceRegistration { Address = "127.0.0.1", Port = fast.Port });
        await Discovery.RegisterAsync(service, "slow", new ServiceRegistration { Address = "127.0.0.1", Port = slow.Port });
        using var http = new HttpClient();
        var picks = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 160 / callers; i++)
            {
                var instance = await Discovery.ResolveAsync(service, new ResolveRequest { Strategy = strategy });
                picks.AddOrUpdate(instance.Id, 1, (_, n) => n + 1);
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{instance.Registration.Port}/work"));
                await Discovery.ReportAsync(service, instance.Id, new OutcomeReport { Success = response.IsSuccessStatusCode, LatencyMs = watch.Elapsed.TotalMilliseconds });
            }
        })));

        var share = picks.GetValueOrDefault("fast") / (double)picks.Values.Sum();
        Assert.True(share > 0.6, $"{strategy}: fast got {share:P0} of {picks.Values.Sum()} ({string.Join(", ", picks)})");
    }

    private async Task<HashSet<string>> ResolvedIdsAsync(string service, int picks)
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < picks; i++)
        {
            ids.Add((await Discovery.ResolveAsync(service, new ResolveRequest())).Id);
        }

        return ids;
    }
}
