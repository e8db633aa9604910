using System.Collections.Concurrent;
using Platform.Errors;
using Platform.Replication.Crdt;
using Platform.Sharding;

namespace Platform.Replication.Quorum;

/// <summary>
/// The coordinator of quorum and multi-leader groups, in whichever process calls them (the client host, a typed
/// client): no fixed leader. A quorum write gets a reading of this coordinator's hybrid logical clock, goes to all N
/// replicas and is answered after W acknowledgements; a replica that did not acknowledge gets a hint kept by one that
/// did. A quorum read asks all N, merges the first R answers (newest stamp wins) and, for quorum and all, repairs the
/// stale ones among them before answering. A multi-leader write goes to this coordinator's home replica (the next
/// one if it does not answer before the write was sent). Never hangs: every call has
/// <see cref="ReplicationOptions.AttemptTimeout"/>, then 503 with Retry-After.
/// </summary>
public sealed class LeaderlessGroupClient
{
    private const int MaxRemembered = 100_000;

    private readonly IGrainFactory _grains;
    private readonly ReplicationOptions _options;
    private readonly TimeProvider _time;
    private readonly HybridLogicalClock _clock;
    private readonly int _home;
    private readonly ConcurrentDictionary<string, IVersionedReplicaGrain> _replicas = new(StringComparer.Ordinal);
    private long _readRepairs;
    private long _hintsSent;

    public LeaderlessGroupClient(IGrainFactory grains, ReplicationOptions options, TimeProvider time)
    {
        _grains = grains;
        _options = options;
        _time = time;

        // Coordinators take clock node ids 16-2047 (replicas of multi-leader groups are 1-7), so their readings never tie with a replica's.
        _clock = new HybridLogicalClock(time, Random.Shared.Next(16, 2048));
        _home = Random.Shared.Next(ReplicationSettings.MaxReplicas * 60);
    }

    public ReplicationOptions Options => _options;

    /// <summary>This coordinator's clock (tests read it; writes take readings from it).</summary>
    public HybridLogicalClock Clock => _clock;

    /// <summary>Read repairs this coordinator sent, in all.</summary>
    public long ReadRepairs => Interlocked.Read(ref _readRepairs);

    /// <summary>Hints this coordinator asked replicas to keep, in all.</summary>
    public long HintsSent => Interlocked.Read(ref _hintsSent);

    public IVersionedReplicaGrain Replica(ShardId group, int replica)
    {
        var key = new ReplicaId(group, replica).ToGrainKey();
        if (_replicas.Count > MaxRemembered)
        {
            _replicas.Clear();
        }

        return _replicas.GetOrAdd(key, static (k, g) => g.GetGrain<IVersionedReplicaGrain>(k), _grains);
    }

    /// <summary>
    /// A quorum write of <paramref name="state"/> (a stamped value or tombstone): answered once <paramref name="w"/>
    /// replicas merged it. Returns how many replicas had the key live before (0: a create).
    /// </summary>
    public async Task<int> WriteAsync(ShardId group, VersionedGroup settings, string key, KeyState state, int w, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var batch = new VersionedBatch { Entries = [new VersionedEntry(key, KeyStateCodec.Encode(state))], Reason = VersionedReason.Write };
        var calls = Enumerable.Range(0, settings.Replicas).Select(r => ApplyAsync(group, settings, r, batch, cancellationToken)).ToArray();
        var acked = await FirstAsync(calls, w, a => a is not null, cancellationToken);
        if (acked.Any(a => a.Result is { Live: false }))
        {
            throw new NamespaceGoneException($"The namespace generation of {group.ToGrainKey()} is gone.");
        }

        var ok = acked.Where(a => a.Result is not null).ToList();
        if (ok.Count < w)
        {
            HintLater(group, settings, key, calls, ok.Select(a => a.Index).ToList());
            throw new PlatformUnavailableException(
                $"Replica group {group.ToGrainKey()}: {ok.Count} of {settings.Replicas} replicas acknowledged the write, {w} needed (replication.w); " +
                "it may have applied on some of them: read it back, or retry.");
        }

        foreach (var a in ok)
        {
            _clock.Observe(new HlcTimestamp(a.Result!.ClockWallMs, a.Result.ClockCounter, 0));
        }

        HintLater(group, settings, key, calls, ok.Select(a => a.Index).ToList());
        return ok.Max(a => a.Result!.Existed);
    }

    /// <summary>A new reading of this coordinator's clock, for a write's stamp.</summary>
    public HlcTimestamp Stamp() => _clock.Now();

    /// <summary>
    /// A read of <paramref name="keys"/> answered by <paramref name="r"/> replicas: their states merged per key, the
    /// replica that answered first, and (blocking when <paramref name="repairBeforeAnswer"/>) the stale ones repaired.
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, KeyState> States, VersionedReadResult First)> ReadAsync(
        ShardId group, VersionedGroup settings, IReadOnlyList<string> keys, int r, bool repairBeforeAnswer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var calls = Enumerable.Range(0, settings.Replicas).Select(i => GetAsync(group, settings, i, keys, cancellationToken)).ToArray();
        var answered = await FirstAsync(calls, r, a => a is not null, cancellationToken);
        if (answered.Any(a => a.Result is { Live: false }))
        {
            throw new NamespaceGoneException($"The namespace generation of {group.ToGrainKey()} is gone.");
        }

        var ok = answered.Where(a => a.Result is not null).ToList();
        if (ok.Count < r)
        {
            throw new PlatformUnavailableException(
                $"Replica group {group.ToGrainKey()}: {ok.Count} of {settings.Replicas} replicas answered the read, {r} needed; retry.");
        }

        var merged = Merge(ok.Select(a => a.Result!));
        var repairs = Repair(group, settings, merged, ok, cancellationToken);
        if (repairBeforeAnswer)
        {
            await repairs;
        }

        // Replicas that answer later are repaired in the background when stale.
        var late = calls.Where((_, i) => ok.All(a => a.Index != i)).Select((t, _) => t).ToList();
        if (late.Count > 0)
        {
            _ = RepairLateAsync(group, settings, calls, ok.Select(a => a.Index).ToHashSet(), merged);
        }

        return (merged, ok[0].Result!);
    }

    /// <summary>Keys of every replica that answers within the attempt timeout (at least <paramref name="r"/>), merged by key, newest version per key.</summary>
    public async Task<IReadOnlyList<VersionedKeyInfo>> ListAsync(ShardId group, VersionedGroup settings, string prefix, string? after, int limit, int r, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var calls = Enumerable.Range(0, settings.Replicas).Select(async i =>
        {
            try
            {
                return await Replica(group, i).ListKeys(settings, prefix, after, limit).WaitAsync(_options.AttemptTimeout, _time, cancellationToken);
            }
            catch (Exception ex) when (Transient(ex, cancellationToken))
            {
                return null;
            }
        }).ToArray();
        var answered = (await FirstAsync(calls, r, a => a is not null, cancellationToken)).Where(a => a.Result is not null).ToList();
        if (answered.Count < r)
        {
            throw new PlatformUnavailableException($"Replica group {group.ToGrainKey()}: {answered.Count} replicas answered the listing, {r} needed; retry.");
        }

        // Each replica's page is its first `limit` keys: the merge is exact up to the smallest last key of a full page.
        var bound = answered.Where(a => a.Result!.Count == limit && limit > 0).Select(a => a.Result![^1].Key).Order(StringComparer.Ordinal).FirstOrDefault();
        return [.. answered.SelectMany(a => a.Result!)
            .Where(k => bound is null || string.CompareOrdinal(k.Key, bound) <= 0)
            .GroupBy(k => k.Key, StringComparer.Ordinal)
            .Select(g => g.MaxBy(k => k.Version))
            .Where(k => !k.Deleted)
            .OrderBy(k => k.Key, StringComparer.Ordinal)
            .Take(limit)];
    }

    /// <summary>
    /// A multi-leader write: a put or delete at this coordinator's home replica of the group (then the next ones, for
    /// a replica that could not be reached); a counter or set operation at a replica picked at random, tried there
    /// only, since a lost answer may hide an applied increment.
    /// </summary>
    public async Task<VersionedAcceptResult> AcceptAsync(ShardId group, VersionedGroup settings, VersionedLocalWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(write);
        // Puts and deletes go through this coordinator's home replica (later reads of the same coordinator then see
        // them there at once); counter and set operations through a replica picked per call, which spreads them.
        var value = write.Operation is VersionedOperation.Put or VersionedOperation.Delete;
        var home = value ? HomeOf(group, settings.Replicas) : Random.Shared.Next(settings.Replicas);
        var tries = value ? settings.Replicas : 1;
        string? last = null;
        for (var i = 0; i < tries; i++)
        {
            var replica = (home + i) % settings.Replicas;
            try
            {
                var result = await Replica(group, replica).Accept(settings, write).WaitAsync(_options.AttemptTimeout + _options.CopyWait, _time, cancellationToken);
                return result.Live ? result : throw new NamespaceGoneException($"The namespace generation of {group.ToGrainKey()} is gone.");
            }
            catch (Exception ex) when (Transient(ex, cancellationToken))
            {
                last = ex.GetBaseException().Message;
            }
        }

        throw new PlatformUnavailableException($"Replica group {group.ToGrainKey()}: no replica accepted the write ({last}); it may have applied: read it back, or retry.");
    }

    /// <summary>The replica this coordinator writes through in a multi-leader group (spread across coordinators and groups).</summary>
    public int HomeOf(ShardId group, int replicas) => (int)((HashRing.KeyToken(group.ToGrainKey()) + (ulong)_home) % (ulong)Math.Max(1, replicas));

    /// <summary>Every replica's status (null for one that did not answer in time).</summary>
    public async Task<IReadOnlyList<VersionedReplicaStatus?>> StatusAsync(ShardId group, VersionedGroup settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return await Task.WhenAll(Enumerable.Range(0, settings.Replicas).Select(async r =>
        {
            try
            {
                return await Replica(group, r).Status(settings).WaitAsync(_options.AttemptTimeout, _time, cancellationToken);
            }
            catch (Exception ex) when (Transient(ex, cancellationToken))
            {
                return null;
            }
        }));
    }

    private static Dictionary<string, KeyState> Merge(IEnumerable<VersionedReadResult> answers)
    {
        var merged = new Dictionary<string, KeyState>(StringComparer.Ordinal);
        foreach (var entry in answers.SelectMany(a => a.Entries))
        {
            var state = KeyStateCodec.Decode(entry.State);
            merged[entry.Key] = merged.TryGetValue(entry.Key, out var seen) ? KeyState.Merge(seen, state) : state;
        }

        return merged;
    }

    private async Task Repair(ShardId group, VersionedGroup settings, Dictionary<string, KeyState> merged, List<(int Index, VersionedReadResult? Result)> answered, CancellationToken cancellationToken)
    {
        var encoded = merged.ToDictionary(m => m.Key, m => KeyStateCodec.Encode(m.Value), StringComparer.Ordinal);
        var repairs = new List<Task>();
        foreach (var (index, result) in answered)
        {
            var held = result!.Entries.ToDictionary(e => e.Key, e => e.State, StringComparer.Ordinal);
            var stale = encoded.Where(e => !held.TryGetValue(e.Key, out var h) || !h.AsSpan().SequenceEqual(e.Value)).Select(e => new VersionedEntry(e.Key, e.Value)).ToList();
            if (stale.Count > 0)
            {
                Interlocked.Add(ref _readRepairs, stale.Count);
                repairs.Add(ApplyAsync(group, settings, index, new VersionedBatch { Entries = stale, Reason = VersionedReason.ReadRepair }, cancellationToken));
            }
        }

        await Task.WhenAll(repairs);
    }

    private async Task RepairLateAsync(ShardId group, VersionedGroup settings, Task<VersionedReadResult?>[] calls, HashSet<int> done, Dictionary<string, KeyState> merged)
    {
        try
        {
            var late = new List<(int Index, VersionedReadResult? Result)>();
            for (var i = 0; i < calls.Length; i++)
            {
                if (!done.Contains(i) && await calls[i] is { Live: true } result)
                {
                    late.Add((i, result));
                }
            }

            if (late.Count > 0)
            {
                // What the late replicas hold may be newer still: merged in, and the others need not wait for it.
                foreach (var (_, result) in late)
                {
                    foreach (var entry in result!.Entries)
                    {
                        var state = KeyStateCodec.Decode(entry.State);
                        merged[entry.Key] = merged.TryGetValue(entry.Key, out var seen) ? KeyState.Merge(seen, state) : state;
                    }
                }

                await Repair(group, settings, merged, late, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Best effort: anti-entropy covers what a background repair missed.
        }
    }

    /// <summary>After a write: replicas that did not acknowledge it get a hint kept by one that did.</summary>
    private void HintLater(ShardId group, VersionedGroup settings, string key, Task<VersionedApplyResult?>[] calls, List<int> acked)
    {
        if (acked.Count == 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            for (var i = 0; i < calls.Length; i++)
            {
                if (acked.Contains(i) || await calls[i] is not null)
                {
                    continue;
                }

                var holder = acked.FirstOrDefault(a => a != i, -1);
                if (holder < 0)
                {
                    continue;
                }

                try
                {
                    Interlocked.Increment(ref _hintsSent);
                    await Replica(group, holder).Hint(settings, i, [key]).WaitAsync(_options.AttemptTimeout, _time);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The holder is gone too: anti-entropy covers the write.
                }
            }
        });
    }

    private async Task<VersionedApplyResult?> ApplyAsync(ShardId group, VersionedGroup settings, int replica, VersionedBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            return await Replica(group, replica).Apply(settings, batch).WaitAsync(_options.AttemptTimeout, _time, cancellationToken);
        }
        catch (Exception ex) when (Transient(ex, cancellationToken))
        {
            return null;
        }
    }

    private async Task<VersionedReadResult?> GetAsync(ShardId group, VersionedGroup settings, int replica, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        try
        {
            return await Replica(group, replica).Get(settings, keys).WaitAsync(_options.AttemptTimeout, _time, cancellationToken);
        }
        catch (Exception ex) when (Transient(ex, cancellationToken))
        {
            return null;
        }
    }

    /// <summary>Waits until <paramref name="count"/> calls succeeded (by <paramref name="ok"/>), or one answered gone, or all ended; answers every call ended so far, in order of completion.</summary>
    private static async Task<List<(int Index, T? Result)>> FirstAsync<T>(Task<T?>[] calls, int count, Func<T?, bool> ok, CancellationToken cancellationToken)
        where T : class
    {
        var results = new List<(int Index, T? Result)>();
        var pending = calls.Select((t, i) => (Task: t, Index: i)).ToList();
        var succeeded = 0;
        while (pending.Count > 0 && succeeded < count)
        {
            var done = await Task.WhenAny(pending.Select(p => p.Task)).WaitAsync(cancellationToken);
            var index = pending.FindIndex(p => p.Task == done);
            var result = await done;
            results.Add((pending[index].Index, result));
            pending.RemoveAt(index);
            if (ok(result))
            {
                succeeded++;
            }
        }

        return [.. results.Where(r => r.Result is not null), .. results.Where(r => r.Result is null)];
    }

    private static bool Transient(Exception ex, CancellationToken cancellationToken) =>
        ex is not PlatformException && !cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException;
}
