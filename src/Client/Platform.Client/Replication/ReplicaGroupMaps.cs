using Platform.Sharding;

namespace Platform.Replication;

/// <summary>
/// What the shard maps of Raft groups (<see cref="RaftShardMap"/>) and leaderless groups (<see cref="LeaderlessShardMap"/>)
/// share: one status call per group, all at once; the namespace-gone check; a slot that did not answer; the shard's
/// envelope; and the degradation reasons every kind of group has (a replica not answering, replicas sharing a silo).
/// </summary>
internal static class ReplicaGroupMaps
{
    public static async Task<IReadOnlyList<ShardInfo>> BuildAsync<TStatus>(
        RoutedNamespace routed, Func<int, Task<IReadOnlyList<TStatus?>>> statusOf, Func<TStatus, bool> live, Func<int, IReadOnlyList<TStatus?>, ShardInfo> shard)
        where TStatus : class
    {
        var groups = await Task.WhenAll(Enumerable.Range(0, routed.Settings.Shards).Select(statusOf));
        if (groups.Any(g => g.Any(s => s is not null && !live(s))))
        {
            throw new NamespaceGoneException($"Namespace '{routed.Settings.Name}' generation {routed.Settings.Generation} is gone.");
        }

        return [.. groups.Select((statuses, i) => shard(i, statuses))];
    }

    /// <summary>A replica slot whose status call did not answer in time.</summary>
    public static ShardReplicaInfo Unreachable(RoutedNamespace routed, int shard, int replica) =>
        new() { Replica = replica, Grain = new ReplicaId(routed.Settings.Shard(shard), replica).ToGrainKey(), Role = "unreachable" };

    /// <summary>The shard's entry: its grain, ring share and (optionally) ranges, and the silo, keys and bytes of the replica that speaks for it.</summary>
    public static ShardInfo Shard(RoutedNamespace routed, int shard, bool includeRanges, string? silo, long keys, long bytes, IReadOnlyList<ShardReplicaInfo> replicas) => new()
    {
        Shard = shard,
        Grain = routed.ShardKey(shard),
        Silo = silo ?? "",
        Keys = keys,
        Bytes = bytes,
        Ownership = routed.Ring.OwnershipOf(shard),
        Ranges = includeRanges ? routed.Ring.RangesOf(shard) : null,
        Replicas = replicas,
    };

    /// <summary>Replicas that did not answer, and replicas sharing a silo (<paramref name="sharedNote"/> says why that happens).</summary>
    public static void AddCommonReasons(List<string> reasons, IReadOnlyList<ShardReplicaInfo> replicas, string sharedNote)
    {
        var unreachable = replicas.Where(r => r.Role == "unreachable").Select(r => r.Replica).ToList();
        if (unreachable.Count > 0)
        {
            reasons.Add($"replica {string.Join(", ", unreachable)} did not answer");
        }

        foreach (var silo in replicas.Where(r => r.Silo is not null).GroupBy(r => r.Silo).Where(g => g.Count() > 1))
        {
            reasons.Add($"replicas {string.Join(", ", silo.Select(r => r.Replica))} share silo {silo.Key}{sharedNote}");
        }
    }
}
