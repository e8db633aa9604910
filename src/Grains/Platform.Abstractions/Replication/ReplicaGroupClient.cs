using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;

namespace Platform.Replication;

/// <summary>
/// Calls a replica group: writes and strong reads to its leader (following NotLeader hints, retrying on a new term,
/// the next replica as well once an attempt has waited one election timeout), session and eventual reads to any replica. Used by the typed
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

    public ReplicationOptions Options => options;

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

    /// <summary>
    /// Calls the leader: the one last known, else replica 0, following NotLeader hints. An attempt that has not answered
    /// within one election timeout keeps running while the next replica is asked too: a SIGKILLed silo answers nothing
    /// until Orleans declares it dead (seconds later), but by then the survivors have elected a new leader that can
    /// answer. At most one call per replica is in flight; a write's request id makes the duplicate sends harmless.
    /// </summary>
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
        var hedgeAfter = options.TickInterval * options.ElectionTicks;
        var inFlight = new Dictionary<int, Task<Attempt<T>>>();
        var lastSent = target;
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

            if (!inFlight.ContainsKey(target))
            {
                inFlight[target] = TryAsync(call, Replica(group, target), target, Min(options.AttemptTimeout, left));
                lastSent = target;
            }

            using var hedgeCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var hedge = Task.Delay(Min(hedgeAfter, left), time, hedgeCancel.Token);
            var done = await Task.WhenAny([.. inFlight.Values, hedge]);
            await hedgeCancel.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            if (done == hedge)
            {
                // Nobody answered within an election timeout: ask the next replica with no call in flight as well, in
                // turn (a follower answers at once, with the leader it knows).
                last ??= $"replica {target} did not answer within {hedgeAfter.TotalMilliseconds:0} ms";
                target = NextIdle(lastSent, replicas, inFlight) ?? target;
                continue;
            }

            var outcome = await (Task<Attempt<T>>)done;
            inFlight.Remove(outcome.Target);
            if (outcome.Error is { } error)
            {
                if (!Transient(error, cancellationToken))
                {
                    ExceptionDispatchInfo.Throw(error);
                }

                last = $"replica {outcome.Target}: {error.GetBaseException().Message}";
                target = NextIdle(outcome.Target, replicas, inFlight) ?? (outcome.Target + 1) % replicas;
            }
            else
            {
                switch (outcome.Status)
                {
                    case ReplicaCallStatus.Ok:
                        if (_leaders.Count > MaxRemembered)
                        {
                            _leaders.Clear();
                        }

                        _leaders[key] = outcome.Target;
                        return outcome.Result!;
                    case ReplicaCallStatus.NamespaceGone:
                        return outcome.Result!;
                    case ReplicaCallStatus.NotLeader when outcome.Hint is { } h && h != outcome.Target && h < replicas:
                        last = $"replica {outcome.Target} is not the leader; it follows {h}";
                        target = h;
                        if (attempt < 2 * replicas || inFlight.ContainsKey(h))
                        {
                            // A fresh hint is worth following at once; one already asked is worth waiting for.
                            continue;
                        }

                        break;
                    case ReplicaCallStatus.NotLeader:
                        last = $"replica {outcome.Target} is not the leader and knows none (an election is under way)";
                        target = NextIdle(outcome.Target, replicas, inFlight) ?? target;
                        break;
                    default:
                        last = $"replica {outcome.Target} could not complete it in time";
                        target = outcome.Target;
                        break;
                }
            }

            await Task.Delay(Min(backoff, left), time, cancellationToken);
            backoff = Min(backoff * 2, TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>The first replica after <paramref name="from"/> with no call in flight, if any.</summary>
    private static int? NextIdle<T>(int from, int replicas, Dictionary<int, Task<Attempt<T>>> inFlight)
    {
        for (var i = 1; i <= replicas; i++)
        {
            var r = (from + i) % replicas;
            if (!inFlight.ContainsKey(r))
            {
                return r;
            }
        }

        return null;
    }

    /// <summary>One call, its failure captured rather than thrown: a call left behind by a faster replica is never unobserved.</summary>
    private static async Task<Attempt<T>> TryAsync<T>(
        Func<IReplicaGrain, TimeSpan, Task<(ReplicaCallStatus Status, int? Hint, T Result)>> call,
        IReplicaGrain grain,
        int target,
        TimeSpan wait)
    {
        try
        {
            var (status, hint, result) = await call(grain, wait);
            return new Attempt<T>(target, status, hint, result, null);
        }
        catch (Exception ex)
        {
            return new Attempt<T>(target, default, null, default, ex);
        }
    }

    private readonly record struct Attempt<T>(int Target, ReplicaCallStatus Status, int? Hint, T? Result, Exception? Error);

    /// <summary>A failure of the call itself (a timeout, a lost silo or gateway): try elsewhere. Platform refusals and cancellation are not.</summary>
    private static bool Transient(Exception ex, CancellationToken cancellationToken) =>
        ex is not PlatformException && !cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException;
}
