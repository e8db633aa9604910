namespace Platform.ClusterTests.Discovery;

/// <summary>The health-history checker on hand-made histories: it flags a stale passing report and accepts one inside the bound.</summary>
public sealed class HealthHistoryCheckerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static HealthObservation Passing(double atMs) => new(T0.AddMilliseconds(atMs), T0.AddMilliseconds(atMs + 5), "a", "passing", "S1", null);

    private static Dictionary<string, IReadOnlyList<(DateTimeOffset, bool)>> DownAt(double ms) => new() { ["a"] = [(T0, true), (T0.AddMilliseconds(ms), false)] };

    /// <summary>Passing 3 s into an outage with a 2 s bound is a violation; passing 1 s into it, or before it, is not.</summary>
    [Fact]
    public void StalePassing_FlagsOnlyReportsPastTheBound()
    {
        var stubs = DownAt(1000);
        Assert.Empty(HealthHistoryChecker.StalePassing([Passing(500), Passing(2000)], stubs, TimeSpan.FromSeconds(2)));
        var violations = HealthHistoryChecker.StalePassing([Passing(4000)], stubs, TimeSpan.FromSeconds(2));
        Assert.Single(violations);
        Assert.Contains("down for 3000 ms", violations[0], StringComparison.Ordinal);
    }

    /// <summary>A stub that came back up resets the clock: passing after the recovery is fine however long the outage was.</summary>
    [Fact]
    public void StalePassing_AcceptsPassingAfterRecovery()
    {
        var stubs = new Dictionary<string, IReadOnlyList<(DateTimeOffset, bool)>> { ["a"] = [(T0, true), (T0.AddSeconds(1), false), (T0.AddSeconds(60), true)] };
        Assert.Empty(HealthHistoryChecker.StalePassing([Passing(61_000)], stubs, TimeSpan.FromSeconds(2)));
    }
}
