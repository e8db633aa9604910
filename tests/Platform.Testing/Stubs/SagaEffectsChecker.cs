namespace Platform.Testing.Stubs;

/// <summary>
/// Checks one saga instance's outcome against the effects a deduplicating <see cref="StubService"/> recorded for it
/// (keys <c>{id}:{step}</c> and <c>{id}:{step}:compensate</c>): it ended completed or compensated; every call carried
/// one of those keys (a fresh key would apply an effect twice); completed means every step applied and nothing
/// compensated; compensated means every applied step was compensated, compensations applied in reverse step order
/// and none before the last action; nothing else applied. Returns the violations (empty: the outcome holds).
/// </summary>
public static class SagaEffectsChecker
{
    public static IReadOnlyList<string> Check(string id, IReadOnlyList<string> steps, string? state, IEnumerable<StubCall> calls, IEnumerable<StubCall> applied)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var problems = new List<string>();
        var prefix = id + ":";
        var expected = steps.SelectMany(s => new[] { $"{id}:{s}", $"{id}:{s}:compensate" }).ToHashSet(StringComparer.Ordinal);
        foreach (var key in calls.Where(c => c.Key?.StartsWith(prefix, StringComparison.Ordinal) == true).Select(c => c.Key!).Distinct())
        {
            if (!expected.Contains(key))
            {
                problems.Add($"{id}: a call carried key '{key}', not a step's stable key");
            }
        }

        var mine = applied.Where(c => c.Key is not null && expected.Contains(c.Key)).Select(c => c.Key!).ToList();
        int Index(string key) => steps.ToList().IndexOf(key[prefix.Length..].Split(':')[0]);
        var actions = mine.Where(k => !k.EndsWith(":compensate", StringComparison.Ordinal)).Select(Index).ToList();
        var compensations = mine.Where(k => k.EndsWith(":compensate", StringComparison.Ordinal)).Select(Index).ToList();
        if (!actions.SequenceEqual(actions.Order()))
        {
            problems.Add($"{id}: actions applied out of step order: {string.Join(", ", actions.Select(i => steps[i]))}");
        }

        var firstCompensation = mine.FindIndex(k => k.EndsWith(":compensate", StringComparison.Ordinal));
        if (firstCompensation >= 0 && mine.Skip(firstCompensation).Any(k => !k.EndsWith(":compensate", StringComparison.Ordinal)))
        {
            problems.Add($"{id}: an action was applied after a compensation: {string.Join(", ", mine)}");
        }

        switch (state)
        {
            case "completed":
                if (actions.Count != steps.Count)
                {
                    problems.Add($"{id}: completed, but applied only {string.Join(", ", actions.Select(i => steps[i]))} of {string.Join(", ", steps)}");
                }

                if (compensations.Count > 0)
                {
                    problems.Add($"{id}: completed, but compensated {string.Join(", ", compensations.Select(i => steps[i]))}");
                }

                break;
            case "compensated":
                foreach (var step in actions.Where(a => !compensations.Contains(a)))
                {
                    problems.Add($"{id}: compensated, but applied step '{steps[step]}' was never compensated (half-done)");
                }

                if (!compensations.SequenceEqual(compensations.OrderDescending()))
                {
                    problems.Add($"{id}: compensations not in reverse order: {string.Join(", ", compensations.Select(i => steps[i]))}");
                }

                break;
            default:
                problems.Add($"{id}: ended '{state ?? "(unknown)"}', not completed or compensated");
                break;
        }

        return problems;
    }

    /// <summary>Calls absorbed by the key: successful calls beyond the first, per key of this instance.</summary>
    public static int Absorbed(string id, IReadOnlyDictionary<string, int> effects) =>
        effects?.Where(e => e.Key.StartsWith(id + ":", StringComparison.Ordinal)).Sum(e => e.Value - 1) ?? 0;
}
