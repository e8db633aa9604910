namespace Platform.ClusterTests.Discovery;

/// <summary>
/// Checks a recorded health history against the stubs' up/down times: no instance may be reported passing by a read
/// that started after its stub had been down, without a break, for longer than <c>bound</c> (fall probes, their
/// timeouts and the time for the checks to resume elsewhere after a silo loss). Pure, so it can be tested alone.
/// </summary>
public static class HealthHistoryChecker
{
    /// <summary>Every violation, described; empty when the history is fine.</summary>
    public static IReadOnlyList<string> StalePassing(
        IEnumerable<HealthObservation> history,
        IReadOnlyDictionary<string, IReadOnlyList<(DateTimeOffset At, bool Healthy)>> stubs,
        TimeSpan bound)
    {
        var violations = new List<string>();
        foreach (var o in history.Where(o => string.Equals(o.Health, "passing", StringComparison.OrdinalIgnoreCase)))
        {
            if (!stubs.TryGetValue(o.Instance, out var transitions))
            {
                continue;
            }

            // The stub's state when the read started, and since when it was in it.
            var last = transitions.LastOrDefault(t => t.At <= o.Sent);
            if (last == default || last.Healthy)
            {
                continue;
            }

            var downFor = o.Sent - last.At;
            if (downFor > bound)
            {
                violations.Add($"{o.Instance} reported passing by a read sent at {o.Sent:HH:mm:ss.fff} while its stub had been down for {downFor.TotalMilliseconds:F0} ms (bound {bound.TotalMilliseconds:F0} ms; checked by {o.CheckedBy}, last probe {o.LastCheckAt:HH:mm:ss.fff})");
            }
        }

        return violations;
    }
}
