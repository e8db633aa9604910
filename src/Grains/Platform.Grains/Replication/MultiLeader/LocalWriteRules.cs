using Platform.Replication.Crdt;
using Platform.Replication.Quorum;

namespace Platform.Replication.MultiLeader;

/// <summary>
/// What a multi-leader write accepted at one replica makes of its key's state: a new clock reading (lww), a new dot
/// replacing the siblings the writer saw (siblings), a counter delta in this activation's slot or a set element with
/// a new dot (crdt). Pure: the replica's clock and actor come in.
/// </summary>
public static class LocalWriteRules
{
    public static (KeyState? Next, string? Refused) Apply(ConflictMode conflicts, KeyState? old, VersionedLocalWrite write, HybridLogicalClock clock, long actor)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(clock);
        var op = write.Operation;
        var value = op == VersionedOperation.Delete ? null : write.Value ?? [];
        switch (conflicts, op)
        {
            case (ConflictMode.Lww or ConflictMode.Crdt, VersionedOperation.Put or VersionedOperation.Delete):
                {
                    if (old is { Kind: not KeyStateKind.Lww })
                    {
                        return (null, $"the key holds a {old.Kind.ToString().ToLowerInvariant()}, not a value");
                    }

                    var written = KeyState.Of(new VersionedValue(clock.Now(), value, write.ContentType));
                    return (old is null ? written : KeyState.Merge(old, written), null);
                }

            case (ConflictMode.Siblings, VersionedOperation.Put or VersionedOperation.Delete):
                {
                    VersionVector seen;
                    try
                    {
                        seen = write.Context is null ? VersionVector.Empty : KeyStateCodec.DecodeContext(write.Context);
                    }
                    catch (FormatException ex)
                    {
                        return (null, $"malformed context: {ex.Message}");
                    }

                    var store = old?.Siblings ?? DottedStore<VersionedValue>.Empty;
                    return (KeyState.Of(store.Write(actor, seen, new VersionedValue(clock.Now(), value, write.ContentType), hasValue: true)), null);
                }

            case (ConflictMode.Crdt, VersionedOperation.CounterAdd):
                return old is { Kind: not KeyStateKind.Counter }
                    ? (null, $"the key holds a {old.Kind.ToString().ToLowerInvariant()}, not a counter")
                    : (KeyState.Of((old?.Counter ?? PnCounter.Empty).Add(actor, write.Delta)), null);

            case (ConflictMode.Crdt, VersionedOperation.SetAdd or VersionedOperation.SetRemove):
                {
                    if (old is { Kind: not KeyStateKind.Set })
                    {
                        return (null, $"the key holds a {old.Kind.ToString().ToLowerInvariant()}, not a set");
                    }

                    var element = write.Element ?? "";
                    var set = (old?.Set ?? DottedStore<string>.Empty).Remove(e => e == element);
                    return (KeyState.Of(op == VersionedOperation.SetAdd ? set.Write(actor, VersionVector.Empty, element, hasValue: true) : set), null);
                }

            default:
                return (null, $"{op} is not taken by a {conflicts.ToString().ToLowerInvariant()} namespace");
        }
    }

    /// <summary>The bytes a state's live content takes (values, elements; 8 per counter slot).</summary>
    public static long Size(KeyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Kind switch
        {
            KeyStateKind.Lww => state.Lww!.Value?.Length ?? 0,
            KeyStateKind.Siblings => state.Siblings!.Entries.Values.Sum(v => (long)(v.Value?.Length ?? 0)),
            KeyStateKind.Counter => 8L * (state.Counter!.Increments.Count + state.Counter.Decrements.Count),
            _ => state.Set!.Entries.Values.Sum(e => (long)e.Length),
        };
    }
}
