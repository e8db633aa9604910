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
                return await RaftShardMap.BuildAsync(routed, replicated, includeRanges);
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
