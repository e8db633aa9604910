using Platform.Client.Cluster;
using Platform.Client.Host.Observability;

namespace Platform.Tests.Observability;

/// <summary>
/// <see cref="MembershipEventLog"/> on scripted membership reads: what the first read reconstructs, what a status
/// change between reads adds, and that each vote is one event with who cast it.
/// </summary>
public sealed class MembershipEventLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The first read reports each silo's join at its start time, every vote against a silo with the voter, and a silo already dead at the last vote (no earlier: the table keeps no time of death).</summary>
    [Fact]
    public void FirstRead_ReconstructsJoins_EarlierDeaths_AndEveryVoteWithItsVoter()
    {
        var log = new MembershipEventLog();
        log.Observe(
        [
            Silo("10.0.0.1:11111", "Active", T0),
            Silo("10.0.0.2:11111", "Dead", T0.AddSeconds(1), lastAlive: T0.AddSeconds(40), votes: [("10.0.0.1:11111", T0.AddSeconds(42)), ("10.0.0.3:11111", T0.AddSeconds(43))]),
        ], T0.AddMinutes(5));

        var events = log.Recent(20);
        Assert.Equal(
            [
                ("10.0.0.2:11111", "dead", null, T0.AddSeconds(43)),
                ("10.0.0.2:11111", "suspected", "10.0.0.3:11111", T0.AddSeconds(43)),
                ("10.0.0.2:11111", "suspected", "10.0.0.1:11111", T0.AddSeconds(42)),
                ("10.0.0.2:11111", "joined", null, T0.AddSeconds(1)),
                ("10.0.0.1:11111", "joined", (string?)null, T0),
            ],
            events.Select(e => (e.Silo, e.Kind, e.By, e.At)).ToList());
        Assert.All(events, e => Assert.Equal("table", e.Source));
    }

    /// <summary>Status changes between reads are events at the time they were seen; a new vote is one event; a read with nothing new adds nothing.</summary>
    [Fact]
    public void LaterReads_AddStatusChangesAsSeen_AndOnlyNewVotes()
    {
        var log = new MembershipEventLog();
        log.Observe([Silo("a:1", "Active", T0)], T0.AddSeconds(10));
        var vote = ("b:1", T0.AddSeconds(20));
        log.Observe([Silo("a:1", "Active", T0, votes: [vote])], T0.AddSeconds(21));
        log.Observe([Silo("a:1", "Active", T0, votes: [vote])], T0.AddSeconds(22));
        log.Observe([Silo("a:1", "Dead", T0, votes: [vote, ("c:1", T0.AddSeconds(23))])], T0.AddSeconds(24));
        log.Observe([Silo("a:1", "Dead", T0, votes: [vote, ("c:1", T0.AddSeconds(23))])], T0.AddSeconds(26));

        Assert.Equal(
            [("dead", null, T0.AddSeconds(24), "seen"), ("suspected", "c:1", T0.AddSeconds(23), "table"), ("suspected", "b:1", T0.AddSeconds(20), "table"), ("joined", (string?)null, T0, "table")],
            log.Recent(20).Select(e => (e.Kind, e.By, e.At, e.Source)).ToList());
    }

    /// <summary>A restart on the same endpoint is a new generation: its join is an event of its own, beside the old generation's death (timed when seen).</summary>
    [Fact]
    public void RestartOnTheSameEndpoint_IsANewGeneration_WithItsOwnJoin()
    {
        var log = new MembershipEventLog();
        log.Observe([Silo("a:1", "Active", T0, generation: 1)], T0.AddSeconds(1));
        log.Observe([Silo("a:1", "Dead", T0, generation: 1), Silo("a:1", "Active", T0.AddSeconds(30), generation: 2)], T0.AddSeconds(31));

        Assert.Equal(
            [(1, "dead"), (2, "joined"), (1, "joined")],
            log.Recent(20).Select(e => (e.Generation, e.Kind)).ToList());
    }

    /// <summary>The log keeps the newest <see cref="MembershipEventLog.Capacity"/> events.</summary>
    [Fact]
    public void ManyEvents_KeepsTheNewestUpToCapacity()
    {
        var log = new MembershipEventLog();
        for (var i = 0; i < MembershipEventLog.Capacity + 50; i++)
        {
            log.Observe([Silo($"s:{i}", "Active", T0.AddSeconds(i))], T0.AddSeconds(i));
        }

        var all = log.Recent(int.MaxValue);
        Assert.Equal(MembershipEventLog.Capacity, all.Count);
        Assert.Equal(T0.AddSeconds(MembershipEventLog.Capacity + 49), all[0].At);
        Assert.Equal(T0.AddSeconds(50), all[^1].At);
    }

    private static ClusterSilo Silo(
        string address, string status, DateTimeOffset started, DateTimeOffset? lastAlive = null, (string By, DateTimeOffset At)[]? votes = null, int generation = 1) =>
        new(address, generation, "silo-" + address, status, null, started, lastAlive ?? started, null,
            [.. (votes ?? []).Select(v => new ClusterSuspicion(v.By, v.At))]);
}
