using Platform.Testing.Cluster;
using Platform.Testing.Http;
using Platform.Testing.Waiting;

namespace Platform.Tests.Observability;

/// <summary>
/// The console's failure-detection events on an in-process three-silo cluster of its own, read from
/// <c>/console/snapshot</c> of the client host (external, connected over the gateways) as the page reads it.
/// In-process a stopped silo still writes itself Dead (docs: orleans-notes), so no vote is cast here; votes
/// (<c>suspected</c>, with the voter) come from a SIGKILLed process (tests/Platform.ClusterTests) and are covered
/// on scripted reads by <see cref="MembershipEventLogTests"/>.
/// </summary>
public sealed class MembershipEventsTests
{
    /// <summary>Every silo's join is listed; after the third silo stops, its death appears (timed when seen), after its join, and no survivor is reported dead.</summary>
    [Fact]
    public async Task StoppingASilo_PutsItsDeathInTheConsoleSnapshotsEvents_AfterItsJoin()
    {
        await using var cluster = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions
        {
            Silos = 3,
            Settings = { ["Platform:Observability:MembershipPollMs"] = "250" },
        });
        var silos = cluster.Silos.Select(s => s.SiloAddress.Endpoint.ToString()).ToList();
        var victim = silos[2];

        var events = await Eventually.Until(
            EventsAsync(cluster), list => silos.All(s => list.Any(e => e.Silo == s && e.Kind == "joined")), "each silo's join in the console's events", Polling);

        var stopped = DateTimeOffset.UtcNow;
        await cluster.StopSiloAsync(2);
        events = await Eventually.Until(
            EventsAsync(cluster), list => list.Any(e => e.Silo == victim && e.Kind == "dead"), $"{victim} dead in the console's events", Polling);

        var dead = events.Single(e => e.Silo == victim && e.Kind == "dead");
        Assert.Equal("seen", dead.Source);
        Assert.InRange(dead.At, stopped.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.True(events.Single(e => e.Silo == victim && e.Kind == "joined").At < dead.At);
        Assert.DoesNotContain(events, e => e.Silo != victim && e.Kind == "dead");
        // Newest first, as the panel draws them.
        Assert.Equal(events.OrderByDescending(e => e.At).Select(e => e.At), events.Select(e => e.At));
    }

    // A snapshot reads every panel: a few a second is plenty.
    private static readonly EventuallyOptions Polling = new()
    {
        Interval = TimeSpan.FromMilliseconds(250),
        Describe = list => string.Join("; ", (IEnumerable<ConsoleMembershipEvent>)list!),
    };

    private static Func<CancellationToken, Task<List<ConsoleMembershipEvent>>> EventsAsync(PlatformTestCluster cluster) => ct => cluster.Api.GetMembershipEventsAsync(ct);
}
