using Platform.Discovery;

namespace Platform.Tests.Discovery;

/// <summary>Rise/fall, the phi accrual detector and outlier ejection on their own, with explicit times.</summary>
public sealed class HealthRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>One failed probe turns a passing instance warning, not critical; fall failures make it critical; rise passes bring it back.</summary>
    [Fact]
    public void RiseAndFall_OneFailureWarns_FallFailuresAreCritical_RisePassesRecover()
    {
        var check = new HealthCheckSpec { Http = "/healthz", Rise = 2, Fall = 3 };
        var (health, passes, failures) = (HealthStatus.Passing, 0, 0);
        var seen = new List<HealthStatus>();
        foreach (var passed in new[] { false, true, false, false, false, true, true, true })
        {
            (health, passes, failures) = CheckRules.Next(health, passes, failures, check, passed);
            seen.Add(health);
        }

        Assert.Equal(
            [HealthStatus.Warning, HealthStatus.Passing, HealthStatus.Warning, HealthStatus.Warning, HealthStatus.Critical, HealthStatus.Critical, HealthStatus.Passing, HealthStatus.Passing],
            seen);
    }

    /// <summary>Phi stays low while heartbeats arrive on time and passes 8 soon after they stop, before a 10x TTL would.</summary>
    [Fact]
    public void Phi_IsLowForRegularHeartbeats_AndCrossesTheThresholdSoonAfterTheyStop()
    {
        var detector = new PhiAccrualDetector();
        var at = T0;
        for (var i = 0; i < 50; i++)
        {
            detector.Heartbeat(at);
            at = at.AddMilliseconds(1000 + (i % 3 * 20));
        }

        var last = at.AddMilliseconds(-1040);
        Assert.True(detector.Phi(last.AddMilliseconds(1000)) < 1, $"on time: phi {detector.Phi(last.AddMilliseconds(1000))}");
        Assert.True(detector.Phi(last.AddMilliseconds(2000)) >= 8, $"a second late: phi {detector.Phi(last.AddMilliseconds(2000))}");
    }

    /// <summary>Five failures in a row eject for the base time; the second ejection lasts twice as long; each ends by itself.</summary>
    [Fact]
    public void Ejection_GrowsWithEachEjection_AndExpires()
    {
        var tracker = new OutlierTracker(5, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), maxEjectionPercent: 50);
        var now = T0;
        for (var i = 0; i < 4; i++)
        {
            Assert.False(tracker.Report("a", false, now, 4));
        }

        Assert.True(tracker.Report("a", false, now, 4));
        Assert.Equal(now.AddSeconds(30), tracker.EjectedUntil("a", now));
        Assert.True(tracker.IsEjected("a", now.AddSeconds(29.9)));
        Assert.False(tracker.IsEjected("a", now.AddSeconds(30)));

        now = now.AddSeconds(31);
        for (var i = 0; i < 5; i++)
        {
            tracker.Report("a", false, now, 4);
        }

        Assert.Equal(now.AddSeconds(60), tracker.EjectedUntil("a", now));
        Assert.False(tracker.IsEjected("a", now.AddSeconds(60)));
    }

    /// <summary>A success resets the count in a row, and never more than the allowed share of instances is ejected.</summary>
    [Fact]
    public void Ejection_NeedsFailuresInARow_AndRespectsTheMaximumShare()
    {
        var tracker = new OutlierTracker(2, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), maxEjectionPercent: 50);
        Assert.False(tracker.Report("a", false, T0, 2));
        Assert.False(tracker.Report("a", true, T0, 2));
        Assert.False(tracker.Report("a", false, T0, 2));
        Assert.True(tracker.Report("a", false, T0, 2));
        tracker.Report("b", false, T0, 2);
        Assert.False(tracker.Report("b", false, T0, 2));
        Assert.False(tracker.IsEjected("b", T0));
    }
}
