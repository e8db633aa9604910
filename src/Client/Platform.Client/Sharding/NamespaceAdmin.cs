using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Replication;
using Platform.Validation;

namespace Platform.Sharding;

internal sealed class NamespaceAdmin(IGrainFactory grains, NamespaceRouter router, IOptions<KeyValueOptions> options) : INamespaceAdmin
{
    public async Task<NamespacePage> ListAsync(NamespaceListOptions? list = null, CancellationToken cancellationToken = default)
    {
        list ??= new NamespaceListOptions();
        var limit = Checks.PageSize(list.Limit, options.Value.DefaultListLimit, options.Value.MaxListLimit);
        var after = ContinuationToken.Decode(list.ContinuationToken);
        var names = await grains.GetGrain<INamespaceCatalogGrain>(INamespaceCatalogGrain.Key).List(after, limit).WaitAsync(cancellationToken);
        return new NamespacePage(names, names.Count == limit ? ContinuationToken.Encode(names[^1]) : null);
    }

    public async Task<NamespaceSettings> GetAsync(string ns, CancellationToken cancellationToken = default)
    {
        Checks.Name(ns, "namespace");
        return await grains.GetGrain<INamespaceGrain>(ns).Get().WaitAsync(cancellationToken)
            ?? throw NamespaceRouter.NotFound(ns);
    }

    public async Task<NamespaceCreateResult> CreateAsync(string ns, NamespaceSpec spec, CancellationToken cancellationToken = default)
    {
        Checks.Name(ns, "namespace");
        var limits = options.Value;
        if (spec.Shards < 1 || spec.Shards > limits.MaxShards)
        {
            throw new PlatformValidationException("shards", $"must be between 1 and {limits.MaxShards} (got {spec.Shards})");
        }

        if (!Enum.IsDefined(spec.Partitioning))
        {
            throw new PlatformValidationException("partitioning", $"must be one of: hash (got {spec.Partitioning})");
        }

        if (spec.Replication is { } replication)
        {
            if (replication.Check() is var (field, reason))
            {
                throw new PlatformValidationException(field, reason);
            }

            if (spec.Transactional)
            {
                throw new PlatformValidationException("replication", "cannot be combined with transactional: true (transactional namespaces keep their state in Orleans transactional storage, replicated by that storage; create a replicated namespace without transactions, or a transactional one on durable storage)");
            }
        }

        var result = await grains.GetGrain<INamespaceGrain>(ns).Create(spec).WaitAsync(cancellationToken);
        if (!result.Created && (result.Settings.Shards != spec.Shards || result.Settings.Partitioning != spec.Partitioning
            || result.Settings.Transactional != spec.Transactional || result.Settings.Replication != spec.Replication))
        {
            var replicated = result.Settings.Replication is { } r ? $"replication {r.Mode}/{r.Replicas}/{r.Ack}" : "no replication";
            throw new PlatformConflictException(
                $"Namespace '{ns}' exists with {result.Settings.Shards} shards, {result.Settings.Partitioning} partitioning, transactional={result.Settings.Transactional} and {replicated}; delete it first to change them.");
        }

        return result;
    }

    public async Task DeleteAsync(string ns, CancellationToken cancellationToken = default)
    {
        Checks.Name(ns, "namespace");
        if (ns == NamespaceSettings.DefaultNamespace)
        {
            throw new PlatformConflictException("The default namespace always exists and cannot be deleted.");
        }

        var deleted = await grains.GetGrain<INamespaceGrain>(ns).Delete().WaitAsync(cancellationToken);
        router.Invalidate(ns);
        if (!deleted)
        {
            throw NamespaceRouter.NotFound(ns);
        }
    }

    public Task<IReadOnlyList<ShardInfo>> GetShardMapAsync(string ns, bool includeRanges = false, CancellationToken cancellationToken = default) =>
        router.RunAsync<IReadOnlyList<ShardInfo>>(ns, async routed =>
        {
            var shards = routed.Access(IKeyValueShards.For);
            if (shards is ReplicatedShards replicated)
            {
                return await ReplicatedShardMapAsync(routed, replicated, includeRanges);
            }

            if (shards is LeaderlessShards leaderless)
            {
                return await LeaderlessShardMap.BuildAsync(routed, leaderless, includeRanges);
            }

            var stats = await Task.WhenAll(Enumerable.Range(0, routed.Settings.Shards).Select(shards.StatsAsync));
            var ring = routed.Ring;
            return [.. stats.Select((s, i) => new ShardInfo
            {
                Shard = i,
                Grain = routed.ShardKey(i),
                Silo = s.Silo,
                Keys = s.Keys,
                Bytes = s.Bytes,
                Ownership = ring.OwnershipOf(i),
                Ranges = includeRanges ? ring.RangesOf(i) : null,
            })];
        }, cancellationToken);

    private static async Task<IReadOnlyList<ShardInfo>> ReplicatedShardMapAsync(RoutedNamespace routed, ReplicatedShards shards, bool includeRanges)
    {
        var groups = await Task.WhenAll(Enumerable.Range(0, routed.Settings.Shards).Select(shards.StatusAsync));
        if (groups.Any(g => g.Any(s => s is { Live: false })))
        {
            throw new NamespaceGoneException($"Namespace '{routed.Settings.Name}' generation {routed.Settings.Generation} is gone.");
        }

        var ring = routed.Ring;
        return [.. groups.Select((statuses, i) => ReplicatedShard(routed, i, statuses, ring, includeRanges))];
    }

    private static ShardInfo ReplicatedShard(RoutedNamespace routed, int shard, IReadOnlyList<ReplicaStatus?> statuses, HashRing ring, bool includeRanges)
    {
        var leader = ReplicatedShards.Leader(statuses);
        var best = leader ?? statuses.OfType<ReplicaStatus>().MaxBy(s => s.AppliedIndex);
        var replicas = statuses.Select((s, r) => s is null
            ? new ShardReplicaInfo { Replica = r, Grain = new ReplicaId(routed.Settings.Shard(shard), r).ToGrainKey(), Role = "unreachable" }
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
            Leader = leader?.Replica,
            Term = leader?.Term,
            Degraded = DegradedReason(replicas, leader),
        };
    }

    /// <summary>Why a group runs below full strength, or null when every replica answers, is a voter on a silo of its own, and none lags.</summary>
    private static string? DegradedReason(List<ShardReplicaInfo> replicas, ReplicaStatus? leader)
    {
        var reasons = new List<string>();
        if (leader is null)
        {
            reasons.Add("no leader (an election is under way or no quorum answers)");
        }

        var unreachable = replicas.Where(r => r.Role == "unreachable").Select(r => r.Replica).ToList();
        if (unreachable.Count > 0)
        {
            reasons.Add($"replica {string.Join(", ", unreachable)} did not answer");
        }

        var shared = replicas.Where(r => r.Silo is not null).GroupBy(r => r.Silo).Where(g => g.Count() > 1).ToList();
        foreach (var silo in shared)
        {
            reasons.Add($"replicas {string.Join(", ", silo.Select(r => r.Replica))} share silo {silo.Key} (fewer silos than replicas, or not yet spread out again)");
        }

        var learners = replicas.Where(r => r.Role == "learner").Select(r => r.Replica).ToList();
        if (learners.Count > 0)
        {
            reasons.Add($"replica {string.Join(", ", learners)} is a new incarnation catching up (a learner until promoted)");
        }

        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    public Task<ShardLocation> LocateAsync(string ns, string key, CancellationToken cancellationToken = default)
    {
        Checks.Key(key, options.Value.MaxKeyBytes);
        var token = HashRing.KeyToken(key);
        return router.RunAsync(ns, async routed =>
        {
            var shard = routed.Ring.ShardForToken(token);
            var stats = await routed.Access(IKeyValueShards.For).StatsAsync(shard);
            return new ShardLocation(ns, key, token, shard, routed.ShardKey(shard), stats.Silo);
        }, cancellationToken);
    }
}
