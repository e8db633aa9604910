using System.Globalization;
using Platform.Replication.Quorum;
using Platform.Sharding;

namespace Platform.Replication;

/// <summary>
/// The shard map of a quorum or multi-leader namespace: per replica its silo, keys, Merkle root, pending outgoing
/// updates, hints held, last anti-entropy run, divergent ranges found and what each mechanism repaired; a group is
/// degraded while a replica does not answer, two share a silo, or their Merkle roots differ.
/// </summary>
internal static class LeaderlessShardMap
{
    public static Task<IReadOnlyList<ShardInfo>> BuildAsync(RoutedNamespace routed, LeaderlessShards shards, bool includeRanges) =>
        ReplicaGroupMaps.BuildAsync(routed, shards.StatusAsync, s => s.Live, (i, statuses) => Shard(routed, i, statuses, includeRanges));

    private static ShardInfo Shard(RoutedNamespace routed, int shard, IReadOnlyList<VersionedReplicaStatus?> statuses, bool includeRanges)
    {
        var replicas = statuses.Select((s, r) => s is null
            ? ReplicaGroupMaps.Unreachable(routed, shard, r)
            : new ShardReplicaInfo
            {
                Replica = r,
                Grain = s.Grain,
                Silo = s.Silo,
                Role = "peer",
                Keys = s.Keys,
                MerkleRoot = s.MerkleRoot.ToString("x16", CultureInfo.InvariantCulture),
                PendingOutgoing = s.PendingOutgoing,
                HintsHeld = s.HintsHeld,
                LastAntiEntropy = s.LastAntiEntropy,
                DivergentRanges = s.DivergentRanges,
                Repairs = new Dictionary<string, long>
                {
                    ["readRepair"] = s.RepairedByReadRepair,
                    ["hints"] = s.RepairedByHints,
                    ["antiEntropy"] = s.RepairedByAntiEntropy,
                    ["replication"] = s.ReceivedByReplication,
                    ["hintsDelivered"] = s.HintsDelivered,
                    ["hintsDropped"] = s.HintsDropped,
                    ["tombstonesPurged"] = s.TombstonesPurged,
                    ["loadedFromStorage"] = s.LoadedFromStorage,
                    ["storage"] = s.MergedFromStorage,
                },
            }).ToList();
        var best = statuses.OfType<VersionedReplicaStatus>().MaxBy(s => s.Keys);
        return ReplicaGroupMaps.Shard(routed, shard, includeRanges, best?.Silo, best?.Keys ?? 0, best?.Bytes ?? 0, replicas) with { Degraded = Degraded(replicas) };
    }

    private static string? Degraded(List<ShardReplicaInfo> replicas)
    {
        var reasons = new List<string>();
        ReplicaGroupMaps.AddCommonReasons(reasons, replicas, "");

        if (replicas.Where(r => r.MerkleRoot is not null).Select(r => r.MerkleRoot).Distinct().Count() > 1)
        {
            reasons.Add("replicas differ (Merkle roots): read repair, hints and anti-entropy are converging them");
        }

        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }
}
