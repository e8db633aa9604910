namespace Platform.ClusterTests.History;

/// <summary>
/// Mutual exclusion of an exclusive lock from what clients saw: tokens order the grants, and a grant must not be
/// acknowledged before every earlier grant's lease could have ended (its release was sent, or its lease ran out
/// counted from its request, allowing <c>clockBound</c> of clock disagreement). A grant acknowledged earlier than
/// that was certainly made while the earlier holder's lease was valid. Unknown-outcome acquires are not grants here:
/// they constrain nothing. Also refuses a token handed out twice.
/// </summary>
public static class MutualExclusionChecker
{
    /// <summary>Every violation found, each naming both grants; empty when the history is consistent with mutual exclusion.</summary>
    public static IReadOnlyList<string> Check(IEnumerable<LockGrantRecord> grants, TimeSpan clockBound)
    {
        ArgumentNullException.ThrowIfNull(grants);
        var ordered = grants.OrderBy(g => g.Token).ToList();
        var violations = new List<string>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var earlier = ordered[i];
            var end = earlier.EarliestEnd(clockBound);
            for (var j = i + 1; j < ordered.Count; j++)
            {
                var later = ordered[j];
                if (later.Token == earlier.Token)
                {
                    violations.Add($"token {later.Token} granted twice: {earlier} and {later}");
                }
                else if (later.Acknowledged < end)
                {
                    violations.Add(FormattableString.Invariant(
                        $"{later} was acknowledged {(end - later.Acknowledged).TotalMilliseconds:F0} ms before the lease of {earlier} could have ended ({end.TotalSeconds:F3} s)"));
                }
            }
        }

        return violations;
    }
}
