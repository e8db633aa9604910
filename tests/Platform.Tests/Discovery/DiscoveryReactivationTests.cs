using Orleans.Core.Internal;
using Platform.Discovery;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Discovery;

/// <summary>
/// What a service grain keeps across a re-activation, on AzureTable storage (its JSON row) and the fake clock: outlier
/// ejections with their length and count, and the persisted tail of changes, each with its instance.
/// </summary>
[Collection(AzureTableFakeClockClusterCollection.Name)]
public sealed class DiscoveryReactivationTests(AzureTableFakeClockClusterFixture fixture)
{
    private IServiceDiscovery Discovery => fixture.Service<IServiceDiscovery>();

    private Task<HashSet<string>> ResolvedAsync(string service, int picks = 10) => Discovery.ResolvedAsync(service, picks);

    private async Task FailFiveAsync(string service, string id)
    {
        for (var i = 0; i < 5; i++)
        {
            await Discovery.ReportAsync(service, id, new OutcomeReport { Success = false, ClosesPick = false });
        }
    }

    /// <summary>
    /// An instance ejected by five failed outcomes stays ejected, until the same instant, after its service grain was
    /// deactivated and activated again from storage; the ejection then expires on time, and the next one lasts 60 s
    /// (the count survived too). The changes retained across the re-activation carry the instance each one produced,
    /// and a watcher behind them falls back to a snapshot, then gets deltas.
    /// </summary>
    [Fact]
    public async Task PassiveEjection_SurvivesAReactivationOfTheServiceGrain_WithItsEndAndCount()
    {
        var service = "eject-" + Guid.NewGuid().ToString("N")[..10];
        foreach (var (id, port) in new[] { ("bad", 9104), ("good1", 9105), ("good2", 9106) })
        {
            await Discovery.RegisterAsync(service, id, new ServiceRegistration { Address = "127.0.0.1", Port = port });
        }

        await FailFiveAsync(service, "bad");
        var until = (await Discovery.GetAsync(service)).Instances.Single(i => i.Id == "bad").EjectedUntil;
        Assert.Equal(fixture.Time.GetUtcNow().AddSeconds(30), until);

        // More changes than the row keeps (PersistedChanges, 100): a fresh activation's retained window starts later
        // than the running one's (which keeps 1000 in memory), and that tells the two apart.
        const int Updates = 105;
        for (var k = 0; k < Updates; k++)
        {
            await Discovery.RegisterAsync(service, "filler", new ServiceRegistration { Address = "127.0.0.1", Port = 20_000 + k });
        }

        var before = await Discovery.GetAsync(service);
        Assert.Equal(0, before.RetainedFrom);
        await fixture.Service<IGrainFactory>().GetGrain<IServiceGrain>(service).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        ServiceView after;
        while ((after = await Discovery.GetAsync(service)).RetainedFrom == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the service grain was not activated again within 30 s");
            await Task.Delay(50);
        }

        Assert.Equal(before.Index, after.Index);
        Assert.Equal(before.Index - 100, after.RetainedFrom);
        Assert.Equal(until, after.Instances.Single(i => i.Id == "bad").EjectedUntil);
        Assert.Equal(["good1", "good2"], (await ResolvedAsync(service)).Where(id => id != "filler").Order());

        // Each retained change has its own instance back (the latest one was stored without it, as the current one).
        var changes = (await Discovery.GetAsync(service, after.RetainedFrom)).Changes;
        Assert.Equal(100, changes.Count);
        Assert.All(changes, c => Assert.Equal("filler", c.InstanceId));
        Assert.Equal(Enumerable.Range(20_000 + Updates - 100, 100), changes.Select(c => c.Instance!.Registration.Port));
        Assert.Equal(after.Index, changes[^1].Instance!.ModifyIndex);
        Assert.Equal(after.Instances.Single(i => i.Id == "filler").ModifyIndex, changes[^1].Instance!.ModifyIndex);

        // A watcher whose index is older than the retained window gets a snapshot (reset) first, then only deltas.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using (var watch = Discovery.WatchAsync(service, after.RetainedFrom - 1, cts.Token).GetAsyncEnumerator(cts.Token))
        {
            Assert.True(await watch.MoveNextAsync());
            var snapshot = watch.Current.Snapshot;
            Assert.NotNull(snapshot);
            Assert.True(snapshot.Reset);
            Assert.Equal(after.Index, watch.Current.Index);
            Assert.Equal(["bad", "filler", "good1", "good2"], snapshot.Instances.Select(i => i.Id));
            var next = watch.MoveNextAsync();
            await Discovery.RegisterAsync(service, "late", new ServiceRegistration { Address = "127.0.0.1", Port = 9107 });
            Assert.True(await next);
            Assert.Null(watch.Current.Snapshot);
            Assert.Equal((after.Index + 1, "late"), (watch.Current.Index, watch.Current.Change!.InstanceId));
        }

        fixture.Time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.DoesNotContain("bad", await ResolvedAsync(service));
        fixture.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Contains("bad", await ResolvedAsync(service));

        await FailFiveAsync(service, "bad");
        Assert.Equal(fixture.Time.GetUtcNow().AddSeconds(60), (await Discovery.GetAsync(service)).Instances.Single(i => i.Id == "bad").EjectedUntil);
    }
}
