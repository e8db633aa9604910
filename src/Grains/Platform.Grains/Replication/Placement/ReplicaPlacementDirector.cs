using Orleans.Runtime.Placement;
using Platform.Sharding;

namespace Platform.Replication.Placement;

/// <summary>
/// Puts a replica on a silo hosting no other replica of its group when one exists, else on one hosting the fewest
/// (the group runs degraded; the shard map says so, and the leader spreads it out again when silos join). Among
/// equals it takes the silo at the group's own rotation (a hash of the group plus the replica's slot), so replicas
/// activated at the same moment, before either shows in the directory, still land apart while the silo list is stable.
/// </summary>
public sealed class ReplicaPlacementDirector(IGrainFactory grains) : IPlacementDirector
{
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        if (silos.Length <= 1 || !ReplicaId.TryParse(target.GrainIdentity.Key.ToString() ?? "", out var id))
        {
            return silos.Length == 0 ? context.LocalSilo : silos[0];
        }

        // A move the group's leader asked for (Relocate) names its silo: the leader knows where its members run, while
        // the directory lookups below may still name an activation on a silo that died.
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint)
        {
            return hint;
        }

        var management = grains.GetGrain<IManagementGrain>(0);
        var siblings = await Task.WhenAll(Enumerable.Range(0, ReplicationSettings.MaxReplicas).Where(r => r != id.Replica).Select(async r =>
        {
            try
            {
                // Siblings are grains of the same type (Raft replicas, or quorum and multi-leader replicas).
                return await management.GetActivationAddress(grains.GetGrain(GrainId.Create(target.GrainIdentity.Type, new ReplicaId(id.Shard, r).ToGrainKey())));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return null;
            }
        }));

        var counts = silos.ToDictionary(s => s, s => siblings.Count(at => s.Equals(at)));
        var start = (int)((HashRing.KeyToken(id.Shard.ToGrainKey()) + (ulong)id.Replica) % (ulong)silos.Length);
        var best = silos[start];
        for (var i = 1; i < silos.Length; i++)
        {
            var silo = silos[(start + i) % silos.Length];
            if (counts[silo] < counts[best])
            {
                best = silo;
            }
        }

        return best;
    }
}
