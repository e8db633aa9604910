using System.Globalization;
using System.Text;
using System.Text.Json;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Replication.Crdt;
using Platform.Replication.Quorum;
using Platform.Sharding;

namespace Platform.Replication;

/// <summary>
/// The shards of a quorum or multi-leader namespace, each a group of versioned replicas reached through
/// <see cref="LeaderlessGroupClient"/>. Quorum: writes stamped here, sent to all N, answered after W; reads at the
/// request's level (one: 1, quorum: a majority, all: N, none named: the namespace's R), newest stamp wins, stale
/// replicas repaired before a quorum or all answer. Multi-leader: writes at one replica, reads merged from the level's
/// count of replicas. Conditional and fenced writes need one order of writes, which no leaderless group has: a 400.
/// </summary>
internal sealed class LeaderlessShards(RoutedNamespace routed) : IKeyValueShards
{
    private readonly LeaderlessGroupClient _groups = (routed.Groups ?? throw new InvalidOperationException("Replicated namespaces need the replication client (AddReplicationClient).")).Leaderless;

    private readonly VersionedGroup _group = VersionedGroup.From(routed.Settings.Replication!);

    public ReplicationSettings Replication => routed.Settings.Replication!;

    public NamespaceSettings Settings => routed.Settings;

    public LeaderlessGroupClient Groups => _groups;

    public VersionedGroup Group => _group;

    public async Task<ShardReadResult> GetAsync(int shard, string key, ShardRead read)
    {
        var (states, first) = await ReadStatesAsync(shard, [key], read.Consistency);
        return new ShardReadResult(states.TryGetValue(key, out var state) ? Entry(key, state) : null, Served(first));
    }

    public async Task<IReadOnlyList<KeyValueEntry>> GetManyAsync(int shard, IReadOnlyList<string> keys, ShardRead read)
    {
        var (states, _) = await ReadStatesAsync(shard, keys, read.Consistency);
        return [.. keys.Select(k => states.TryGetValue(k, out var s) ? Entry(k, s) : null).OfType<KeyValueEntry>()];
    }

    public async Task<ShardWriteResult> WriteAsync(int shard, KeyValueWriteRequest request)
    {
        if (request.Condition.IfMatchVersion is not null)
        {
            throw new PlatformValidationException("If-Match", $"conditional writes need one order of writes, which a {ModeName} namespace has not; write without If-Match");
        }

        if (request.Condition.IfNoneMatch)
        {
            throw new PlatformValidationException("If-None-Match", $"create-only writes need one order of writes, which a {ModeName} namespace has not; write without If-None-Match");
        }

        if (request.Fence is not null)
        {
            throw new PlatformValidationException("Platform-Fence", $"fenced writes need one order of writes, which a {ModeName} namespace has not");
        }

        if (Replication.Mode == ReplicationMode.Quorum)
        {
            var stamp = _groups.Stamp();
            var state = KeyState.Of(new VersionedValue(stamp, request.Value, request.Value is null ? null : request.ContentType));
            var existed = await _groups.WriteAsync(Shard(shard), _group, request.Key, state, WriteLevel(Replication, request.Consistency), CancellationToken.None);
            return request.Value is null && existed == 0
                ? new ShardWriteResult(new KeyValueWriteResult { Status = KeyValueWriteStatus.NotFound }, 0, null)
                : new ShardWriteResult(KeyValueWriteResult.Ok(stamp.Pack(), created: existed == 0), 0, null);
        }

        var accepted = await AcceptAsync(shard, new VersionedLocalWrite
        {
            Key = request.Key,
            Operation = request.Value is null ? VersionedOperation.Delete : VersionedOperation.Put,
            Value = request.Value,
            ContentType = request.ContentType,
            Context = request.Context,
        });
        var after = KeyStateCodec.Decode(accepted.Entry!.State);
        if (request.Value is null && !accepted.Existed)
        {
            return new ShardWriteResult(new KeyValueWriteResult { Status = KeyValueWriteStatus.NotFound }, 0, null);
        }

        return new ShardWriteResult(KeyValueWriteResult.Ok(after.Stamp.Pack(), created: !accepted.Existed), 0, Served(accepted.Replica, null));
    }

    public async Task<IReadOnlyList<KeyValueKeyInfo>> ListKeysAsync(int shard, string prefix, string? after, int limit, ShardRead read)
    {
        var listed = await _groups.ListAsync(Shard(shard), _group, prefix, after, limit, Level(read.Consistency), CancellationToken.None);
        return [.. listed.Select(k => new KeyValueKeyInfo(k.Key, k.Version, k.Size))];
    }

    public async Task<KeyValueShardStats> StatsAsync(int shard)
    {
        var statuses = await StatusAsync(shard);
        if (statuses.Any(s => s is { Live: false }))
        {
            throw new NamespaceGoneException($"Namespace '{routed.Settings.Name}' generation {routed.Settings.Generation} is gone.");
        }

        var best = statuses.OfType<VersionedReplicaStatus>().MaxBy(s => s.Keys);
        return new KeyValueShardStats { Silo = best?.Silo ?? "", Keys = best?.Keys ?? 0, Bytes = best?.Bytes ?? 0 };
    }

    /// <summary>Each replica's status, for the shard map.</summary>
    public Task<IReadOnlyList<VersionedReplicaStatus?>> StatusAsync(int shard) => _groups.StatusAsync(Shard(shard), _group, CancellationToken.None);

    /// <summary>A multi-leader write at this coordinator's home replica; a refusal (an operation the namespace does not take) is a 400.</summary>
    public async Task<VersionedAcceptResult> AcceptAsync(int shard, VersionedLocalWrite write)
    {
        var accepted = await _groups.AcceptAsync(Shard(shard), _group, write, CancellationToken.None);
        return accepted.Refused is { } why ? throw new PlatformValidationException("key", why) : accepted;
    }

    /// <summary>The merged states of <paramref name="keys"/> at the request's level.</summary>
    public Task<(IReadOnlyDictionary<string, KeyState> States, VersionedReadResult First)> ReadStatesAsync(int shard, IReadOnlyList<string> keys, ReadConsistency? consistency)
    {
        var level = Level(consistency);
        return _groups.ReadAsync(Shard(shard), _group, keys, level, repairBeforeAnswer: level > 1, CancellationToken.None);
    }

    /// <summary>
    /// How many replicas must acknowledge a quorum write at <paramref name="consistency"/>: one, quorum (a majority)
    /// and all override W; none, and the read-only levels (strong, session, eventual, which a client may send on
    /// every request), keep it.
    /// </summary>
    public static int WriteLevel(ReplicationSettings replication, ReadConsistency? consistency) => consistency switch
    {
        ReadConsistency.One => 1,
        ReadConsistency.Quorum => replication.Majority,
        ReadConsistency.All => replication.Replicas,
        _ => replication.W,
    };

    /// <summary>How many replicas a read at <paramref name="consistency"/> asks.</summary>
    public int Level(ReadConsistency? consistency)
    {
        var n = Replication.Replicas;
        var majority = Replication.Majority;
        return (consistency ?? Replication.Consistency) switch
        {
            ReadConsistency.One or ReadConsistency.Eventual => 1,
            ReadConsistency.All => n,
            ReadConsistency.Quorum when consistency is null && Replication.Mode == ReplicationMode.Quorum => Replication.R,
            _ => majority,
        };
    }

    public static ReplicaServed Served(VersionedReadResult first) => Served(first.Replica, first.Silo);

    private static ReplicaServed Served(string replica, string? silo) => new() { Replica = replica, Role = ReplicaRole.Peer, Term = 0, AppliedIndex = 0, Silo = silo };

    private string ModeName => Replication.Mode == ReplicationMode.Quorum ? "quorum" : "multi-leader";

    private ShardId Shard(int shard) => routed.Settings.Shard(shard);

    /// <summary>What the key-value routes show of a state: a value (newest sibling; a counter as decimal text; a set as a JSON array), or null when deleted.</summary>
    private static KeyValueEntry? Entry(string key, KeyState state)
    {
        switch (state.Kind)
        {
            case KeyStateKind.Lww:
            case KeyStateKind.Siblings:
                var value = state.Kind == KeyStateKind.Lww ? state.Lww! : state.Siblings!.Entries.Values.Where(v => !v.Tombstone).MaxBy(v => v.Stamp);
                return value is null || value.Tombstone ? null : new KeyValueEntry
                {
                    Key = key,
                    Value = value.Value!,
                    ContentType = value.ContentType,
                    Version = value.Stamp.Pack(),
                    ModifiedAt = DateTimeOffset.FromUnixTimeMilliseconds(value.Stamp.WallMs),
                };
            case KeyStateKind.Counter:
                return Derived(key, state, Encoding.UTF8.GetBytes(state.Counter!.Value.ToString(CultureInfo.InvariantCulture)), "text/plain");
            default:
                return Derived(key, state, JsonSerializer.SerializeToUtf8Bytes(state.Set!.Entries.Values.Distinct().Order(StringComparer.Ordinal).ToArray()), "application/json");
        }
    }

    private static KeyValueEntry Derived(string key, KeyState state, byte[] value, string contentType)
    {
        var encoded = KeyStateCodec.Encode(state);
        return new KeyValueEntry { Key = key, Value = value, ContentType = contentType, Version = (long)(KeyStateCodec.Digest(key, encoded) >> 1) };
    }
}
