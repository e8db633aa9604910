using System.Globalization;

namespace Platform.Replication.Raft;

/// <summary>
/// One member of a replica group: a replica slot (0..N-1, the <c>{r}</c> of the replica grain's key) and the
/// incarnation of that slot. An incarnation is handed out once, each time a replica starts without the state of an
/// earlier one (the replica storage allocates it), so a member that forgot its term and vote never shares an identity
/// with the one that cast them.
/// </summary>
public readonly record struct MemberId(int Replica, long Incarnation)
{
    /// <summary>The incarnation every slot's first replica gets; the genesis configuration names these.</summary>
    public const long FirstIncarnation = 1;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Replica}.{Incarnation}");
}
