using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;

namespace Platform.Replication;

/// <summary>
/// The shards of a replicated namespace: each a replica group reached through <see cref="ReplicaGroupClient"/> (writes
/// and strong reads to its leader, session and eventual reads to any replica). A group that cannot answer within the
/// write timeout is a 503; a dropped generation is <see cref="NamespaceGoneException"/>, as for other kinds.
/// </summary>
internal sealed class ReplicatedShards(RoutedNamespace routed) : IKeyValueShards
{
    private readonly ReplicaGroupClient _groups = routed.Groups ?? throw new InvalidOperationException("Replicated namespaces need the replication client (AddReplicationClient).");

    private ReplicationSettings Replication => routed.Settings.Replication!;

    public async Task<ShardReadResult> GetAsync(int shard, string key, ShardRead read)
    {
        var result = Checked(await _groups.ReadAsync(Group(shard), Replication.Replicas, Ask(read) with { Key = key }, CancellationToken.None), shard);
        return new ShardReadResult(result.Entry, result.Served);
    }

    public async Task<IReadOnlyList<KeyValueEntry>> GetManyAsync(int shard, IReadOnlyList<string> keys, ShardRead read) =>
        Checked(await _groups.ReadAsync(Group(shard), Replication.Replicas, Ask(read) with { Keys = keys }, CancellationToken.None), shard).Entries ?? [];

    public async Task<ShardWriteResult> WriteAsync(int shard, KeyValueWriteRequest request)
    {
        var written = await _groups.WriteAsync(Group(shard), Replication.Replicas, request, CancellationToken.None);
        return written.Status switch
        {
            ReplicaCallStatus.Ok => new ShardWriteResult(written.Result!, written.Index, written.Served),
            ReplicaCallStatus.NamespaceGone => throw new NamespaceGoneException(written.Detail ?? "The namespace generation is gone."),
            _ => throw new PlatformUnavailableException($"Shard {shard} of '{routed.Settings.Name}': {written.Detail}; retry."),
        };
    }

    public async Task<IReadOnlyList<KeyValueKeyInfo>> ListKeysAsync(int shard, string prefix, string? after, int limit, ShardRead read)
    {
        var listed = await _groups.ListAsync(Group(shard), Replication.Replicas, Ask(read), prefix, after, limit, CancellationToken.None);
        return listed.Status switch
        {
            ReplicaCallStatus.Ok => listed.Keys,
            ReplicaCallStatus.NamespaceGone => throw new NamespaceGoneException(listed.Detail ?? "The namespace generation is gone."),
            _ => throw new PlatformUnavailableException($"Shard {shard} of '{routed.Settings.Name}' could not list: {listed.Detail}; retry."),
        };
    }

    public async Task<KeyValueShardStats> StatsAsync(int shard)
    {
        var statuses = await _groups.StatusAsync(Group(shard), Replication.Replicas, CancellationToken.None);
        if (statuses.Any(s => s is { Live: false }))
        {
            throw new NamespaceGoneException($"Namespace '{routed.Settings.Name}' generation {routed.Settings.Generation} is gone.");
        }

        var leader = Leader(statuses);
        var best = leader ?? statuses.OfType<ReplicaStatus>().MaxBy(s => s.AppliedIndex);
        return new KeyValueShardStats { Silo = best?.Silo ?? "", Keys = best?.Keys ?? 0, Bytes = best?.Bytes ?? 0 };
    }

    /// <summary>Each replica's status, for the shard map.</summary>
    public Task<IReadOnlyList<ReplicaStatus?>> StatusAsync(int shard) => _groups.StatusAsync(Group(shard), Replication.Replicas, CancellationToken.None);

    /// <summary>The leader among <paramref name="statuses"/>: a replica that leads at the highest term any of them reports (a deposed one that has not heard yet does not count).</summary>
    public static ReplicaStatus? Leader(IReadOnlyList<ReplicaStatus?> statuses)
    {
        var known = statuses.OfType<ReplicaStatus>().ToList();
        if (known.Count == 0)
        {
            return null;
        }

        var term = known.Max(s => s.Term);
        return known.FirstOrDefault(s => s.Role == ReplicaRole.Leader && s.Term == term);
    }

    private ShardId Group(int shard) => routed.Settings.Shard(shard);

    private ReplicaRead Ask(ShardRead read) => new()
    {
        Consistency = read.Consistency is > ReadConsistency.Eventual
            ? throw new PlatformValidationException("Platform-Consistency", $"{read.Consistency.Value.ToString().ToLowerInvariant()} is for quorum and multi-leader namespaces; '{routed.Settings.Name}' is a leader namespace (strong, session, eventual)")
            : read.Consistency ?? Replication.Consistency,
        MinIndex = read.MinIndex,
        Wait = read.Wait ?? _groups.Options.SessionWait,
    };

    private ReplicaReadResult Checked(ReplicaReadResult result, int shard) => result.Status switch
    {
        ReplicaCallStatus.Ok => result,
        ReplicaCallStatus.NamespaceGone => throw new NamespaceGoneException(result.Detail ?? "The namespace generation is gone."),
        _ => throw new PlatformUnavailableException($"Shard {shard} of '{routed.Settings.Name}' could not be read: {result.Detail}; retry."),
    };
}
