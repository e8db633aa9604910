using System.Collections.Immutable;

namespace Platform.Replication.Crdt;

/// <summary>
/// A positive-negative counter: per actor the sum of its increments and of its decrements. <see cref="Merge"/> takes
/// the per-actor maximum of each (an actor's sums only grow), so it is commutative, associative and idempotent, and
/// the value is the sum of every increment any replica has seen minus every decrement.
/// </summary>
public sealed class PnCounter : IEquatable<PnCounter>
{
    public static readonly PnCounter Empty = new(ImmutableSortedDictionary<long, long>.Empty, ImmutableSortedDictionary<long, long>.Empty);

    public PnCounter(ImmutableSortedDictionary<long, long> increments, ImmutableSortedDictionary<long, long> decrements)
    {
        Increments = increments;
        Decrements = decrements;
    }

    public ImmutableSortedDictionary<long, long> Increments { get; }

    public ImmutableSortedDictionary<long, long> Decrements { get; }

    public long Value => Increments.Values.Sum() - Decrements.Values.Sum();

    public PnCounter Add(long actor, long delta) => delta == 0 ? this : delta > 0
        ? new(Increments.SetItem(actor, Get(Increments, actor) + delta), Decrements)
        : new(Increments, Decrements.SetItem(actor, Get(Decrements, actor) - delta));

    public static PnCounter Merge(PnCounter a, PnCounter b) => new(Max(a.Increments, b.Increments), Max(a.Decrements, b.Decrements));

    public bool Equals(PnCounter? other) => other is not null && Same(Increments, other.Increments) && Same(Decrements, other.Decrements);

    public override bool Equals(object? obj) => Equals(obj as PnCounter);

    public override int GetHashCode() => HashCode.Combine(Increments.Count, Decrements.Count, Value);

    private static long Get(ImmutableSortedDictionary<long, long> sums, long actor) => sums.TryGetValue(actor, out var v) ? v : 0;

    private static ImmutableSortedDictionary<long, long> Max(ImmutableSortedDictionary<long, long> a, ImmutableSortedDictionary<long, long> b)
    {
        var merged = a;
        foreach (var (actor, sum) in b)
        {
            if (sum > Get(merged, actor))
            {
                merged = merged.SetItem(actor, sum);
            }
        }

        return merged;
    }

    private static bool Same(ImmutableSortedDictionary<long, long> a, ImmutableSortedDictionary<long, long> b) =>
        a.Count == b.Count && a.All(e => Get(b, e.Key) == e.Value);
}
