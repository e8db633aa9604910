using System.Collections.Immutable;

namespace Platform.Replication.Crdt;

/// <summary>
/// Values each tagged with the event (<see cref="Dot"/>) that wrote them, plus the causal context: every event the
/// store has seen, removed ones included. The state of a multi-value register with dotted version vectors (concurrent
/// writes stay as siblings) and of an add-wins observed-remove set. <see cref="Merge"/> keeps a value when the other
/// side still has it or has not seen its event, so a value removed on one side stays removed and a concurrent one
/// survives; it is commutative, associative and idempotent.
/// </summary>
public sealed class DottedStore<T> : IEquatable<DottedStore<T>>
{
    public static readonly DottedStore<T> Empty = new(ImmutableSortedDictionary<Dot, T>.Empty, VersionVector.Empty);

    public DottedStore(ImmutableSortedDictionary<Dot, T> entries, VersionVector context)
    {
        Entries = entries;
        Context = context;
    }

    public ImmutableSortedDictionary<Dot, T> Entries { get; }

    public VersionVector Context { get; }

    /// <summary>
    /// A write by <paramref name="actor"/> that has seen <paramref name="seen"/>: removes the values whose events it
    /// saw, adds <paramref name="value"/> (none: a remove) under a new event of the actor.
    /// </summary>
    public DottedStore<T> Write(long actor, VersionVector seen, T? value, bool hasValue)
    {
        var kept = Entries.Where(e => !seen.Covers(e.Key)).ToImmutableSortedDictionary();
        var context = Context.Merge(seen);
        if (!hasValue)
        {
            return new DottedStore<T>(kept, context);
        }

        var dot = new Dot(actor, context[actor] + 1);
        return new DottedStore<T>(kept.Add(dot, value!), context.With(dot));
    }

    /// <summary>Removes every value <paramref name="match"/> picks (their events stay in the context, so merges drop them elsewhere too).</summary>
    public DottedStore<T> Remove(Func<T, bool> match) =>
        new(Entries.Where(e => !match(e.Value)).ToImmutableSortedDictionary(), Context);

    public DottedStore<T> Merge(DottedStore<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var (a, b) = (this, other);
        var entries = ImmutableSortedDictionary.CreateBuilder<Dot, T>();
        foreach (var (dot, value) in a.Entries)
        {
            if (b.Entries.ContainsKey(dot) || !b.Context.Covers(dot))
            {
                entries[dot] = value;
            }
        }

        foreach (var (dot, value) in b.Entries)
        {
            if (!entries.ContainsKey(dot) && (a.Entries.ContainsKey(dot) || !a.Context.Covers(dot)))
            {
                entries[dot] = value;
            }
        }

        return new DottedStore<T>(entries.ToImmutable(), a.Context.Merge(b.Context));
    }

    public bool Equals(DottedStore<T>? other) =>
        other is not null && Context.Equals(other.Context) && Entries.Count == other.Entries.Count
        && Entries.All(e => other.Entries.TryGetValue(e.Key, out var v) && EqualityComparer<T>.Default.Equals(e.Value, v));

    public override bool Equals(object? obj) => Equals(obj as DottedStore<T>);

    public override int GetHashCode() => HashCode.Combine(Context, Entries.Count);
}
