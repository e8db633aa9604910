using System.Collections.Immutable;

namespace Platform.Replication.Crdt;

/// <summary>
/// A version vector: per actor, the highest counter of its events seen. Immutable; <see cref="Merge"/> takes the
/// per-actor maximum (commutative, associative, idempotent).
/// </summary>
public sealed class VersionVector : IEquatable<VersionVector>
{
    public static readonly VersionVector Empty = new(ImmutableSortedDictionary<long, long>.Empty);

    private VersionVector(ImmutableSortedDictionary<long, long> counters) => Counters = counters;

    public ImmutableSortedDictionary<long, long> Counters { get; }

    public static VersionVector From(IEnumerable<KeyValuePair<long, long>> counters) =>
        new(counters.Where(c => c.Value > 0).GroupBy(c => c.Key).ToImmutableSortedDictionary(g => g.Key, g => g.Max(c => c.Value)));

    public long this[long actor] => Counters.TryGetValue(actor, out var c) ? c : 0;

    /// <summary>True when the event <paramref name="dot"/> is part of what this vector has seen.</summary>
    public bool Covers(Dot dot) => this[dot.Actor] >= dot.Counter;

    /// <summary>True when this vector has seen everything <paramref name="other"/> has.</summary>
    public bool Dominates(VersionVector other) => other.Counters.All(c => this[c.Key] >= c.Value);

    public VersionVector With(Dot dot) => dot.Counter <= this[dot.Actor] ? this : new(Counters.SetItem(dot.Actor, dot.Counter));

    public VersionVector Merge(VersionVector other)
    {
        var merged = Counters;
        foreach (var (actor, counter) in other.Counters)
        {
            if (counter > this[actor])
            {
                merged = merged.SetItem(actor, counter);
            }
        }

        return ReferenceEquals(merged, Counters) ? this : new(merged);
    }

    public bool Equals(VersionVector? other) => other is not null && Counters.Count == other.Counters.Count && Counters.All(c => other[c.Key] == c.Value);

    public override bool Equals(object? obj) => Equals(obj as VersionVector);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (actor, counter) in Counters)
        {
            hash.Add(actor);
            hash.Add(counter);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => "{" + string.Join(",", Counters.Select(c => $"{c.Key}:{c.Value}")) + "}";
}
