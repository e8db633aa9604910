using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Observability;

/// <summary>
/// The console's failure-detection events from real failure detection: a silo process SIGKILLed (it tells no one),
/// suspected by a survivor whose vote the membership table keeps, then declared dead; restarted, it joins again as
/// a new generation. Read from the client host's <c>/console/snapshot</c>, as the page reads it.
/// </summary>
[Collection(FailureDetectionCollection.Name)]
public sealed class FailureDetectionEventsTests(FailureDetectionCluster cluster, ITestOutputHelper output)
{
    private static readonly EventuallyOptions Polling = new()
    {
        Timeout = TimeSpan.FromSeconds(90),
        Interval = TimeSpan.FromMilliseconds(500),
        Describe = list => string.Join("; ", (IEnumerable<ConsoleMembershipEvent>)list!),
    };

    /// <summary>
    /// After a SIGKILL the victim is <c>suspected</c> by one of the two survivors at a time from the table, then
    /// <c>dead</c> no earlier than that vote; after a restart on the same endpoint a new generation has joined.
    /// </summary>
    [Fact]
    public Task SigkilledSilo_IsSuspectedByASurvivor_ThenDead_ThenRejoinsAsANewGeneration() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var victim = cluster.Silos[2].Endpoint;
        var survivors = cluster.Silos.Take(2).Select(s => s.Endpoint).ToList();
        var before = await Eventually.Until(EventsAsync, list => list.Any(e => e.Silo == victim && e.Kind == "joined"), "the victim's join", Polling);
        var generation = before.Where(e => e.Silo == victim && e.Kind == "joined").Max(e => e.Generation);

        var killed = DateTimeOffset.UtcNow;
        cluster.KillSilo(2);
        var events = await Eventually.Until(
            EventsAsync, list => list.Any(e => e.Silo == victim && e.Generation == generation && e.Kind == "dead"), $"{victim} declared dead on the console", Polling);
        output.WriteLine(string.Join(Environment.NewLine, events));

        var votes = events.Where(e => e.Silo == victim && e.Generation == generation && e.Kind == "suspected").ToList();
        var dead = events.Single(e => e.Silo == victim && e.Generation == generation && e.Kind == "dead");
        Assert.NotEmpty(votes);
        Assert.All(votes, v =>
        {
            Assert.Contains(v.By, survivors);
            Assert.Equal("table", v.Source);
            Assert.InRange(v.At, killed.AddSeconds(-2), dead.At.AddSeconds(2));
        });
        Assert.DoesNotContain(events, e => survivors.Contains(e.Silo) && e.Kind is "dead" or "suspected");

        await cluster.RestartSiloAsync(2);
        await Eventually.Until(EventsAsync, list => list.Any(e => e.Silo == victim && e.Generation != generation && e.Kind == "joined"), "the restarted silo's join as a new generation", Polling);
    });

    private Task<List<ConsoleMembershipEvent>> EventsAsync(CancellationToken ct) => cluster.Api.GetMembershipEventsAsync(ct);
}
