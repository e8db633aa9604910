namespace Platform.Replication.Crdt;

/// <summary>
/// The replicated state of one key: one of the data types of <see cref="KeyStateKind"/>. <see cref="Merge(KeyState, KeyState)"/> is each
/// type's merge (commutative, associative, idempotent), so replicas that have seen the same writes in any order, any
/// number of times, hold equal states, and their <see cref="KeyStateCodec"/> bytes are identical.
/// </summary>
public sealed record KeyState
{
    private KeyState(KeyStateKind kind, VersionedValue? lww, DottedStore<VersionedValue>? siblings, PnCounter? counter, DottedStore<string>? set)
    {
        Kind = kind;
        Lww = lww;
        Siblings = siblings;
        Counter = counter;
        Set = set;
    }

    public KeyStateKind Kind { get; }

    public VersionedValue? Lww { get; }

    public DottedStore<VersionedValue>? Siblings { get; }

    public PnCounter? Counter { get; }

    public DottedStore<string>? Set { get; }

    public static KeyState Of(VersionedValue value) => new(KeyStateKind.Lww, value, null, null, null);

    public static KeyState Of(DottedStore<VersionedValue> siblings) => new(KeyStateKind.Siblings, null, siblings, null, null);

    public static KeyState Of(PnCounter counter) => new(KeyStateKind.Counter, null, null, counter, null);

    public static KeyState Of(DottedStore<string> set) => new(KeyStateKind.Set, null, null, null, set);

    /// <summary>The newest write's stamp for LWW; for siblings the newest sibling's; zero for counters and sets.</summary>
    public HlcTimestamp Stamp => Kind switch
    {
        KeyStateKind.Lww => Lww!.Stamp,
        KeyStateKind.Siblings => Siblings!.Entries.Count == 0 ? HlcTimestamp.Zero : Siblings.Entries.Values.Max(v => v.Stamp),
        _ => HlcTimestamp.Zero,
    };

    /// <summary>True when nothing live is left: a LWW tombstone, or siblings that are all tombstones (or none).</summary>
    public bool Deleted => Kind switch
    {
        KeyStateKind.Lww => Lww!.Tombstone,
        KeyStateKind.Siblings => Siblings!.Entries.Values.All(v => v.Tombstone),
        _ => false,
    };

    /// <summary>True when the state is a tombstone whose grace period has passed: a replica may forget the key.</summary>
    public bool Expired(long nowMs, TimeSpan grace) => Kind switch
    {
        KeyStateKind.Lww => Lww!.Expired(nowMs, grace),
        KeyStateKind.Siblings => Siblings!.Entries.Values.All(v => v.Expired(nowMs, grace)) && Stamp.WallMs + (long)grace.TotalMilliseconds <= nowMs,
        _ => false,
    };

    /// <summary>
    /// The merge of two states of one key. States of different kinds (never written so by one namespace) merge to
    /// the one of the higher kind, deterministically.
    /// </summary>
    public static KeyState Merge(KeyState a, KeyState b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Kind != b.Kind)
        {
            return a.Kind > b.Kind ? a : b;
        }

        return a.Kind switch
        {
            KeyStateKind.Lww => Of(VersionedValue.Merge(a.Lww!, b.Lww!)),
            KeyStateKind.Siblings => Of(a.Siblings!.Merge(b.Siblings!)),
            KeyStateKind.Counter => Of(PnCounter.Merge(a.Counter!, b.Counter!)),
            _ => Of(a.Set!.Merge(b.Set!)),
        };
    }

    /// <summary>The merge of any number of states (null when none).</summary>
    public static KeyState? MergeAll(IEnumerable<KeyState?> states)
    {
        KeyState? merged = null;
        foreach (var s in states)
        {
            if (s is not null)
            {
                merged = merged is null ? s : Merge(merged, s);
            }
        }

        return merged;
    }

    public bool Equals(KeyState? other) =>
        other is not null && Kind == other.Kind && Equals(Lww, other.Lww) && Equals(Siblings, other.Siblings)
        && Equals(Counter, other.Counter) && Equals(Set, other.Set);

    public override int GetHashCode() => HashCode.Combine(Kind, Stamp);
}
