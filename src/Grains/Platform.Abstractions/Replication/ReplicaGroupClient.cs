using System.Collections.Concurrent;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Replication.Quorum;
using Platform.Sharding;

namespace Platform.Replication;

/// <summary>
/// Calls a replica group: writes and strong reads to its leader (following NotLeader hints, retrying on a new term,
/// another replica after a timeout or a lost silo), session and eventual reads to any replica. Used by the typed
/// client and by silos (the system group's grain storage). Never hangs: every attempt has
/// <see cref="ReplicationOptions.AttemptTimeout"/> and every call <see cref="ReplicationOptions.WriteTimeout"/>, then
/// it throws <see cref="PlatformUnavailableException"/> (503 with Retry-After). A write keeps one request id across
/// its retries, so it applies at most once.
/// </summary>
public sealed class ReplicaGroupClient(IGrainFactory grains, ReplicationOptions options, TimeProvider time)
{
    private const int MaxRemembered = 100_000;

    // The replica each group last answered from as leader.
    private readonly ConcurrentDictionary<string, int> _leaders = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, IReplicaGrain> _grains = new(StringComparer.Ordinal);

    private LeaderlessGroupClient? _leaderless;

    public ReplicationOptions Options => options;

    /// <summary>The coordinator of quorum and multi-leader groups, made on first use.</summary>
    public LeaderlessGroupClient Leaderless => LazyInitializer.EnsureInitialized(ref _leaderless, () => new LeaderlessGroupClient(grains, options, time));

    /// <summary>The grain of replica <paramref name="replica"/> of <paramref name="group"/>.</summary>
    public IReplicaGrain Replica(ShardId group, int replica)
    {
        var key = new ReplicaId(group, replica).ToGrainKey();
        if (_grains.Count > MaxRemembered)
        {
            _grains.Clear();
        }

        return _grains.GetOrAdd(key, static (k, g) => g.GetGrain<IReplicaGrain>(k), grains);
    }

    /// <summary>Writes through the group's leader; Ok and NamespaceGone are returned, anything else retried until the deadline.</summary>
    public async Task<ReplicaWriteResult> WriteAsync(ShardId group, int replicas, KeyValueWriteRequest request, CancellationToken cancellationToken)
    {
        var write = new ReplicaWrite { RequestId = Guid.NewGuid(), Request = request };
        return await LeaderCallAsync(group, replicas, "write", async (grain, attempt) =>
        {
            var result = await grain.Write(write with { Timeout = attempt }).WaitAsync(attempt + Margin, time, cancellationToken);
            return (result.Status, result.LeaderHint, result);
        }, cancellationToken);
    }

    /// <summary>A read at <paramref name="read"/>'s consistency; strong reads go to the leader, others to any replica.</summary>
    public async Task<ReplicaReadResult> ReadAsync(ShardId group, int replicas, ReplicaRead read, CancellationToken cancellationToken)
    {
        if (read.Consistency != ReadConsistency.Strong)
        {
            var served = await AnyReplicaAsync(group, replicas, read, cancellationToken);
            if (served is not null)
            {
                return served;
            }

            // Behind (session) everywhere asked, or nobody answered: the leader has everything committed.
        }

        return await LeaderCallAsync(group, replicas, "read", async (grain, attempt) =>
        {
            var result = await grain.Read(read with { Timeout = attempt, Wait = read.Consistency == ReadConsistency.Session ? Min(read.Wait, attempt) : TimeSpan.Zero })
                .WaitAsync(attempt + Margin, time, cancellationToken);
            return (result.Status == ReplicaCallStatus.Behind ? ReplicaCallStatus.Unavailable : result.Status, result.LeaderHint, result);
        }, cancellationToken);
    }

    /// <summary>A listing call at <paramref name="read"/>'s consistency.</summary>
    public async Task<ReplicaListResult> ListAsync(ShardId group, int replicas, ReplicaRead read, string prefix, string? after, int limit, CancellationToken cancellationToken)
    {
        if (read.Consistency == ReadConsistency.Eventual)
        {
            var start = Random.Shared.Next(replicas);
            for (var i = 0; i < replicas; i++)
            {
                try
                {
                    var result = await Replica(group, (start + i) % replicas).ListKeys(read, prefix, after, limit).WaitAsync(options.AttemptTimeout, time, cancellationToken);
                    if (result.Status is ReplicaCallStatus.Ok or ReplicaCallStatus.NamespaceGone)
                    {
                        return result;
                    }
                }
                catch (Exception ex) when (Transient(ex, cancellationToken))
                {
                }
            }
        }

        return await LeaderCallAsync(group, replicas, "list", async (grain, attempt) =>
        {
            var result = await grain.ListKeys(read with { Consistency = ReadConsistency.Strong, Timeout = attempt }, prefix, after, limit).WaitAsync(attempt + Margin, time, cancellationToken);
            return (result.Status, result.LeaderHint, result);
        }, cancellationToken);
    }

    /// <summary>Every replica's status (null for one that did not answer in time).</summary>
    public async Task<IReadOnlyList<ReplicaStatus?>> StatusAsync(ShardId group, int replicas, CancellationToken cancellationToken) =>
        await Task.WhenAll(Enumerable.Range(0, replicas).Select(async r =>
        {
            try
            {
                return await Replica(group, r).Status().WaitAsync(options.AttemptTimeout, time, cancellationToken);
            }
            catch (Exception ex) when (Transient(ex, cancellationToken))
            {
                return null;
            }
        }));

    /// <summary>The leader the client last reached for a group, if any.</summary>
    public int? LeaderOf(ShardId group) => _leaders.TryGetValue(group.ToGrainKey(), out var r) ? r : null;

    private static TimeSpan Margin => TimeSpan.FromMilliseconds(250);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>A session or eventual read at a random replica, then the others; null when none could serve it.</summary>
    private async Task<ReplicaReadResult?> AnyReplicaAsync(ShardId group, int replicas, ReplicaRead read, CancellationToken cancellationToken)
    {
        var start = Random.Shared.Next(replicas);
        var tries = read.Consistency == ReadConsistency.Session ? Math.Min(replicas, 2) : replicas;
        for (var i = 0; i < tries; i++)
        {
            var wait = i == 0 ? read.Wait : TimeSpan.Zero;
            try
            {
                var result = await Replica(group, (start + i) % replicas).Read(read with { Wait = wait })
                    .WaitAsync(wait + options.AttemptTimeout, time, cancellationToken);
                if (result.Status is ReplicaCallStatus.Ok or ReplicaCallStatus.NamespaceGone)
                {
                    return result;
                }
            }
            catch (Exception ex) when (Transient(ex, cancellationToken))
            {
            }
        }

        return null;
    }

    private async Task<T> LeaderCallAsync<T>(
        ShardId group,
        int replicas,
        string what,
        Func<IReplicaGrain, TimeSpan, Task<(ReplicaCallStatus Status, int? Hint, T Result)>> call,
        CancellationToken cancellationToken)
    {
        var key = group.ToGrainKey();
        var deadline = time.GetTimestamp() + (long)(options.WriteTimeout.TotalSeconds * time.TimestampFrequency);
        var target = _leaders.TryGetValue(key, out var known) && known < replicas ? known : 0;
        var backoff = TimeSpan.FromMilliseconds(10);
        string? last = null;
        for (var attempt = 0; ; attempt++)
        {
            var left = TimeSpan.FromSeconds((double)(deadline - time.GetTimestamp()) / time.TimestampFrequency);
            if (left <= TimeSpan.Zero)
            {
                _leaders.TryRemove(key, out _);
                throw new PlatformUnavailableException(
                    $"Replica group {key} did not complete the {what} within {options.WriteTimeout.TotalSeconds:0.#} s ({last ?? "no answer"}); " +
                    "a write may or may not have applied: read it back, or retry.");
            }

            var wait = Min(options.AttemptTimeout, left);
            var nextTarget = (target + 1) % replicas;
            try
            {
                var (status, hint, result) = await call(Replica(group, target), wait);
                switch (status)
                {
                    case ReplicaCallStatus.Ok:
                        if (_leaders.Count > MaxRemembered)
                        {
                            _leaders.Clear();
                        }

                        _leaders[key] = target;
                        return result;
                    case ReplicaCallStatus.NamespaceGone:
                        return result;
                    case ReplicaCallStatus.NotLeader when hint is { } h && h != target && h < replicas:
                        last = $"replica {target} is not the leader; it follows {h}";
                        target = h;
                        if (attempt < replicas)
                        {
                            // A fresh hint is worth following at once.
                            continue;
                        }

                        break;
                    case ReplicaCallStatus.NotLeader:
                        last = $"replica {target} is not the leader and knows none (an election is under way)";
                        target = nextTarget;
                        break;
                    default:
                        last = $"replica {target} could not complete it in time";
                        break;
                }
            }
            catch (Exception ex) when (Transient(ex, cancellationToken))
            {
                last = $"replica {target}: {ex.GetBaseException().Message}";
                target = nextTarget;
            }

            await Task.Delay(Min(backoff, left), time, cancellationToken);
            backoff = Min(backoff * 2, TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>A failure of the call itself (a timeout, a lost silo or gateway): try elsewhere. Platform refusals and cancellation are not.</summary>
    private static bool Transient(Exception ex, CancellationToken cancellationToken) =>
        ex is not PlatformException && !cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException;
}
