using Platform.Discovery;
using Platform.Errors;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Discovery;

/// <summary>TTL leases, the phi detector and ejections on the fake clock: time moves only when the test says so.</summary>
[Collection(MemoryFakeClockClusterCollection.Name)]
public sealed class DiscoveryTimeTests(MemoryFakeClockClusterFixture fixture)
{
    private static string NewService() => "ttl-" + Guid.NewGuid().ToString("N")[..10];

    private IServiceDiscovery Discovery => fixture.Service<IServiceDiscovery>();

    private static ServiceRegistration Ttl(int port, int ttlMs = 3000, double? phi = null) =>
        new() { Address = "127.0.0.1", Port = port, TtlMs = ttlMs, PhiThreshold = phi };

    private Task<HashSet<string>> ResolvedAsync(string service, int picks = 6) => Discovery.ResolvedAsync(service, picks);

    /// <summary>Advances the fake clock in steps until <paramref name="condition"/> holds; fails past <paramref name="limit"/>, naming it.</summary>
    private async Task<TimeSpan> AdvanceUntilAsync(Func<Task<bool>> condition, TimeSpan step, TimeSpan limit, string what)
    {
        var advanced = TimeSpan.Zero;
        while (!await condition())
        {
            Assert.True(advanced + step <= limit, $"{what} did not happen within {limit.TotalMilliseconds} ms of fake time");
            fixture.Time.Advance(step);
            advanced += step;
            await Task.Delay(20);
        }

        return advanced;
    }

    /// <summary>A TTL instance that stops heartbeating leaves resolve when its lease ends (within TTL + 1 s), while one that heartbeats stays.</summary>
    [Fact]
    public async Task TtlInstance_ThatStopsHeartbeating_LeavesResolveWithinTtlPlusOneSecond()
    {
        var service = NewService();
        await Discovery.RegisterAsync(service, "quiet", Ttl(9001));
        await Discovery.RegisterAsync(service, "alive", Ttl(9002));
        Assert.Equal(["alive", "quiet"], (await ResolvedAsync(service)).Order());

        var advanced = TimeSpan.Zero;
        while (advanced < TimeSpan.FromMilliseconds(2500))
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(500));
            advanced += TimeSpan.FromMilliseconds(500);
            await Discovery.HeartbeatAsync(service, "alive");
        }

        Assert.Contains("quiet", await ResolvedAsync(service));   // 3000 ms lease, 2500 ms gone: still in
        advanced += await AdvanceUntilAsync(async () => !(await ResolvedAsync(service)).Contains("quiet"), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1500), "the quiet instance to leave resolve");
        Assert.InRange(advanced, TimeSpan.FromMilliseconds(3000), TimeSpan.FromMilliseconds(4000));
        Assert.Equal(["alive"], await ResolvedAsync(service));
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => Discovery.HeartbeatAsync(service, "quiet"));

        // The sweep (every 250 ms) records the expiry as a change for watchers.
        await AdvanceUntilAsync(
            async () => (await Discovery.GetAsync(service, afterIndex: 0)).Changes.Any(c => c is { Kind: ServiceChangeKind.Deregistered, InstanceId: "quiet" } && c.Reason!.StartsWith("ttl expired", StringComparison.Ordinal)),
            TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(1000), "the expiry to be recorded as a change");
    }

    /// <summary>With a phi threshold, an instance whose regular heartbeats stop turns critical and leaves resolve well before its long TTL ends.</summary>
    [Fact]
    public async Task PhiDetector_LateHeartbeats_TurnTheInstanceCriticalBeforeItsTtlEnds()
    {
        var service = NewService();
        await Discovery.RegisterAsync(service, "p", Ttl(9003, ttlMs: 60_000, phi: 8));
        for (var i = 0; i < 20; i++)
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(500));
            await Discovery.HeartbeatAsync(service, "p");
        }

        Assert.Equal(HealthStatus.Passing, (await Discovery.GetAsync(service)).Instances.Single().Health);
        var advanced = await AdvanceUntilAsync(async () => (await Discovery.GetAsync(service)).Instances.Single().Health == HealthStatus.Critical,
            TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), "phi to cross 8");
        Assert.True(advanced < TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => Discovery.ResolveAsync(service, new ResolveRequest()));

        await Discovery.HeartbeatAsync(service, "p");
        await AdvanceUntilAsync(async () => (await Discovery.GetAsync(service)).Instances.Single().Health == HealthStatus.Passing,
            TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1), "a heartbeat to bring it back");
    }

    /// <summary>Five failed outcomes eject an instance from resolve for 30 s; the ejection ends by itself; a second one lasts 60 s.</summary>
    [Fact]
    public async Task PassiveEjection_RemovesTheInstanceForAGrowingPeriod_ThenExpires()
    {
        var service = NewService();
        foreach (var (id, port) in new[] { ("bad", 9004), ("good1", 9005), ("good2", 9006) })
        {
            await Discovery.RegisterAsync(service, id, new ServiceRegistration { Address = "127.0.0.1", Port = port });
        }

        async Task FailFive()
        {
            for (var i = 0; i < 5; i++)
            {
                await Discovery.ReportAsync(service, "bad", new OutcomeReport { Success = false, ClosesPick = false });
            }
        }

        await FailFive();
        Assert.DoesNotContain("bad", await ResolvedAsync(service, 10));
        var first = (await Discovery.GetAsync(service)).Instances.Single(i => i.Id == "bad").EjectedUntil;
        Assert.Equal(fixture.Time.GetUtcNow().AddSeconds(30), first);
        fixture.Time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.DoesNotContain("bad", await ResolvedAsync(service, 10));
        fixture.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Contains("bad", await ResolvedAsync(service, 10));

        await FailFive();
        Assert.Equal(fixture.Time.GetUtcNow().AddSeconds(60), (await Discovery.GetAsync(service)).Instances.Single(i => i.Id == "bad").EjectedUntil);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Contains("bad", await ResolvedAsync(service, 10));
    }
}
