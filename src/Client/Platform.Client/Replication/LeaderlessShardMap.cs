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
    public static async Task<IReadOnlyList<ShardInfo>> BuildAsync(RoutedNamespace routed, LeaderlessShards shards, bool includeRanges)
    {
        var groups = await Task.WhenAll(Enumerable.Range(0, routed.Settings.Shards).Select(shards.StatusAsync));
        if (groups.Any(g => g.Any(s => s is { Live: false })))
        {
            throw new NamespaceGoneException($"Namespace '{routed.Settings.Name}' generation {routed.Settings.Generation} is gone.");
        }

        var ring = routed.Ring;
        return [.. groups.Select((statuses, i) => Shard(routed, i, statuses, ring, includeRanges))];
    }

    private static ShardInfo Shard(RoutedNamespace routed, int shard, IReadOnlyList<VersionedReplicaStatus?> statuses, HashRing ring, bool includeRanges)
    {
        var replicas = statuses.Select((s, r) => s is null
            ? new ShardReplicaInfo { Replica = r, Grain = new ReplicaId(routed.Settings.Shard(shard), r).ToGrainKey(), Role = "unreachable" }
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
        return new ShardInfo
        {
            Shard = shard,
            Grain = routed.ShardKey(shard),
            Silo = best?.Silo ?? "",
            Keys = best?.Keys ?? 0,
            Bytes = best?.Bytes ?? 0,
            Ownership = ring.OwnershipOf(shard),
            Ranges = includeRanges ? ring.RangesOf(shard) : null,
            Replicas = replicas,
            Degraded = Degraded(replicas),
        };
    }

    private static string? Degraded(List<ShardReplicaInfo> replicas)
    {
        var reasons = new List<string>();
        var unreachable = replicas.Where(r => r.Role == "unreachable").Select(r => r.Replica).ToList();
        if (unreachable.Count > 0)
        {
            reasons.Add($"replica {string.Join(", ", unreachable)} did not answer");
        }

        foreach (var silo in replicas.Where(r => r.Silo is not null).GroupBy(r => r.Silo).Where(g => g.Count() > 1))
        {
            reasons.Add($"replicas {string.Join(", ", silo.Select(r => r.Replica))} share silo {silo.Key}");
        }

        if (replicas.Where(r => r.MerkleRoot is not null).Select(r => r.MerkleRoot).Distinct().Count() > 1)
        {
            reasons.Add("replicas differ (Merkle roots): read repair, hints and anti-entropy are converging them");
        }

        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }
}
