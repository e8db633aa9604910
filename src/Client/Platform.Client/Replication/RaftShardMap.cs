using Platform.Sharding;

namespace Platform.Replication;

/// <summary>
/// The shard map of a leader-mode (Raft) namespace: per replica its role (a leader that has not yet heard of a newer
/// term shows as deposed), term, incarnation, voter flag, commit and applied index and lag behind the leader; the
/// shard's silo, keys and bytes are the leader's; a group is degraded without a leader, while a replica does not
/// answer, two share a silo, or a learner catches up.
/// </summary>
internal static class RaftShardMap
{
    public static Task<IReadOnlyList<ShardInfo>> BuildAsync(RoutedNamespace routed, ReplicatedShards shards, bool includeRanges) =>
        ReplicaGroupMaps.BuildAsync(routed, shards.StatusAsync, s => s.Live, (i, statuses) => Shard(routed, i, statuses, includeRanges));

    private static ShardInfo Shard(RoutedNamespace routed, int shard, IReadOnlyList<ReplicaStatus?> statuses, bool includeRanges)
    {
        var leader = ReplicatedShards.Leader(statuses);
        var best = leader ?? statuses.OfType<ReplicaStatus>().MaxBy(s => s.AppliedIndex);
        var replicas = statuses.Select((s, r) => s is null
            ? ReplicaGroupMaps.Unreachable(routed, shard, r)
            : new ShardReplicaInfo
            {
                Replica = r,
                Grain = s.Grain,
                Silo = s.Silo,
                Role = s.Role == ReplicaRole.Leader && s != leader ? "deposed" : s.Role.ToString().ToLowerInvariant(),
                Term = s.Term,
                Incarnation = s.Incarnation,
                Voter = s.Voter,
                CommitIndex = s.CommitIndex,
                AppliedIndex = s.AppliedIndex,
                Lag = leader is null ? null : Math.Max(0, leader.CommitIndex - s.AppliedIndex),
                Keys = s.Keys,
            }).ToList();
        return ReplicaGroupMaps.Shard(routed, shard, includeRanges, best?.Silo, best?.Keys ?? 0, best?.Bytes ?? 0, replicas) with
        {
            Leader = leader?.Replica,
            Term = leader?.Term,
            Degraded = Degraded(replicas, leader),
        };
    }

    /// <summary>Why a group runs below full strength, or null when every replica answers, is a voter on a silo of its own, and none lags.</summary>
    private static string? Degraded(List<ShardReplicaInfo> replicas, ReplicaStatus? leader)
    {
        var reasons = new List<string>();
        if (leader is null)
        {
            reasons.Add("no leader (an election is under way or no quorum answers)");
        }

        ReplicaGroupMaps.AddCommonReasons(reasons, replicas, " (fewer silos than replicas, or not yet spread out again)");
        var learners = replicas.Where(r => r.Role == "learner").Select(r => r.Replica).ToList();
        if (learners.Count > 0)
        {
            reasons.Add($"replica {string.Join(", ", learners)} is a new incarnation catching up (a learner until promoted)");
        }

        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }
}
