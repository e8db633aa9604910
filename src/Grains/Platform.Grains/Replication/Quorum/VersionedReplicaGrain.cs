using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.GrainDirectory;
using Platform.Replication.Crdt;
using Platform.Replication.MultiLeader;
using Platform.Replication.Placement;
using Platform.Replication.Storage;

namespace Platform.Replication.Quorum;

/// <summary>
/// A replica of a quorum or multi-leader shard: the shard's keys as mergeable states in this activation's memory and in
/// its store (<see cref="IVersionedReplicaStorage"/>: Azure Table rows, or nothing on memory storage), a Merkle tree
/// over them rebuilt from the store at activation, the hints it holds for replicas that missed writes, and
/// (multi-leader) the updates it still has to send. Every incoming state is merged
/// (<see cref="KeyState.Merge(KeyState, KeyState)"/>), never overwritten, and saved before the call is answered. Background: a flush timer sends queued updates and hints; an anti-entropy timer
/// compares Merkle trees with the next replica and exchanges only the differing buckets, and forgets tombstones
/// past their grace period. Reentrant: every state change happens between awaits, within one turn.
/// </summary>
[ReplicaPlacement]
[GrainType("versioned-replica")]
[GrainDirectory(GrainDirectoryName = ReplicaGrain.DirectoryName)]
[Reentrant]
public sealed partial class VersionedReplicaGrain(
    ILocalSiloDetails silo,
    IOptions<ReplicationOptions> options,
    IVersionedReplicaStorage storage,
    TimeProvider time,
    ILogger<VersionedReplicaGrain> logger) : Grain, IVersionedReplicaGrain, IDisposable
{
    /// <summary>Keys per batch a replica sends (queued updates, hints, anti-entropy pushes).</summary>
    public const int BatchKeys = 256;

    /// <summary>The most states one Buckets answer carries; the rest follow in later anti-entropy rounds.</summary>
    public const int MaxBucketEntries = 4_096;

    /// <summary>Key rows one replica writes at a time (an anti-entropy batch saves in rounds of this many).</summary>
    public const int SaveParallelism = 32;

    private readonly Dictionary<string, Stored> _keys = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _order = new(StringComparer.Ordinal);
    private readonly MerkleTree _tree = new();
    private ReplicationOptions _options = null!;
    private ReplicaId _id;
    private string _key = "";
    private HybridLogicalClock _clock = null!;
    private long _actor;
    private VersionedGroup? _group;
    private OutgoingKeys[] _pending = [];
    private OutgoingKeys[] _hints = [];
    private bool[] _flushing = [];
    private bool _gone;
    private bool _antiEntropyRunning;
    private int _round;
    private long _live;
    private long _bytes;
    private DateTimeOffset? _lastAntiEntropy;
    private long _divergent;
    private long _readRepaired;
    private long _hinted;
    private long _antiEntropyRepaired;
    private long _replicated;
    private long _hintsDelivered;
    private long _purged;
    private long _loaded;
    private long _fromStorage;
    private IVersionedReplicaStore _store = null!;
    private readonly Dictionary<string, Task> _saving = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _saveGate = new(SaveParallelism);

    private string Silo => silo.SiloAddress.ToParsableString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _options = options.Value;
        _key = this.GetPrimaryKeyString();
        _id = ReplicaId.Parse(_key);
        _clock = new HybridLogicalClock(time, _id.Replica + 1);

        // A fresh actor per activation: a replica that lost its memory must never reuse the counter slots or dots of
        // the activation before it (a merge by maximum would then hide its new increments).
        _actor = Random.Shared.NextInt64(1, long.MaxValue);
        var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next((int)Math.Max(1, _options.AntiEntropyInterval.TotalMilliseconds)));
        this.RegisterGrainTimer(_ => FlushAsync(), new GrainTimerCreationOptions(_options.FlushInterval, _options.FlushInterval) { Interleave = true });
        this.RegisterGrainTimer(_ => AntiEntropyAsync(), new GrainTimerCreationOptions(jitter, _options.AntiEntropyInterval) { Interleave = true, KeepAlive = true });

        // The stored states come back, and with them the Merkle tree; an expired tombstone is forgotten here too.
        _store = await storage.OpenAsync(_id, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var entry in _store.Loaded)
        {
            KeyState state;
            try
            {
                state = KeyStateCodec.Decode(entry.State);
            }
            catch (FormatException ex)
            {
                LogMalformed(ex, _key, entry.Key);
                continue;
            }

            if (state.Expired(now, _options.TombstoneGrace))
            {
                _ = _store.DeleteAsync(entry.Key);
                continue;
            }

            if (state.Stamp != HlcTimestamp.Zero)
            {
                _clock.Observe(state.Stamp);
            }

            Store(entry.Key, state, entry.State, null);
            _loaded++;
        }
    }

    public Task<VersionedApplyResult> Apply(VersionedGroup group, VersionedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_gone)
        {
            return Task.FromResult(new VersionedApplyResult { Live = false });
        }

        Adopt(group);
        var changed = new List<string>();
        var existed = 0;
        foreach (var entry in batch.Entries)
        {
            var (c, e) = MergeIn(entry.Key, entry.State, batch.Reason);
            if (c)
            {
                changed.Add(entry.Key);
            }

            existed += e ? 1 : 0;
        }

        var clock = _clock.Last;
        var result = new VersionedApplyResult { Changed = changed.Count, Existed = existed, ClockWallMs = clock.WallMs, ClockCounter = clock.Counter };
        return !storage.Durable ? Task.FromResult(result) : AfterSavingAsync(batch, changed, result);
    }

    /// <summary>Answers once the batch's states are stored: the ones this call changed, and the same keys' saves still running (a state merged first by another call).</summary>
    private async Task<VersionedApplyResult> AfterSavingAsync(VersionedBatch batch, List<string> changed, VersionedApplyResult result)
    {
        var running = SavedAsync(batch.Entries.Select(e => e.Key).Except(changed, StringComparer.Ordinal));
        if (changed.Count > 0)
        {
            await SaveAsync(changed);
        }

        await running;
        return result;
    }

    public Task<VersionedReadResult> Get(VersionedGroup group, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (_gone)
        {
            return Task.FromResult(new VersionedReadResult { Live = false, Replica = _key, Silo = Silo });
        }

        Adopt(group);
        return _saving.Count == 0 ? Task.FromResult(Read(keys)) : ReadSavedAsync(keys);
    }

    /// <summary>A read waits for the saves of its keys still running, so it never answers a state a crash could still take back.</summary>
    private async Task<VersionedReadResult> ReadSavedAsync(IReadOnlyList<string> keys)
    {
        await SavedAsync(keys);
        return Read(keys);
    }

    private VersionedReadResult Read(IReadOnlyList<string> keys) =>
        new() { Entries = [.. keys.Where(_keys.ContainsKey).Select(k => new VersionedEntry(k, _keys[k].Encoded))], Replica = _key, Silo = Silo };

    public async Task<VersionedAcceptResult> Accept(VersionedGroup group, VersionedLocalWrite write)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(write);
        if (_gone)
        {
            return new VersionedAcceptResult { Live = false, Replica = _key };
        }

        Adopt(group);
        _keys.TryGetValue(write.Key, out var old);
        var (next, refused) = LocalWriteRules.Apply(group.Conflicts ?? ConflictMode.Lww, old?.State, write, _clock, _actor);
        if (next is null)
        {
            return new VersionedAcceptResult { Refused = refused, Replica = _key };
        }

        var existed = old is not null && !old.State.Deleted;
        var encoded = KeyStateCodec.Encode(next);
        Store(write.Key, next, encoded, old);
        if (storage.Durable)
        {
            await SaveAsync([write.Key]);
            encoded = _keys.TryGetValue(write.Key, out var saved) ? saved.Encoded : encoded;
        }

        var sent = new List<(int Peer, long Seq)>();
        for (var p = 0; p < group.Replicas; p++)
        {
            if (p != _id.Replica && _pending[p].Add(write.Key, long.MaxValue))
            {
                sent.Add((p, _pending[p].SeqOf(write.Key)!.Value));
            }
        }

        var copies = await CopyOutAsync(group, write.Key, encoded, sent);
        return new VersionedAcceptResult
        {
            Entry = new VersionedEntry(write.Key, _keys.TryGetValue(write.Key, out var now) ? now.Encoded : encoded),
            Copies = copies,
            PendingOutgoing = _pending.Sum(q => q.Count),
            Existed = existed,
            Replica = _key,
        };
    }

    public Task Hint(VersionedGroup group, int target, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (_gone)
        {
            return Task.CompletedTask;
        }

        Adopt(group);
        if (target < 0 || target >= _hints.Length || target == _id.Replica)
        {
            return Task.CompletedTask;
        }

        var expires = time.GetUtcNow().ToUnixTimeMilliseconds() + (long)_options.HintTtl.TotalMilliseconds;
        foreach (var key in keys.Where(_keys.ContainsKey))
        {
            _hints[target].Add(key, expires);
        }

        return Task.CompletedTask;
    }

    public Task<VersionedMerkle> Merkle(VersionedGroup group)
    {
        if (_gone)
        {
            return Task.FromResult(new VersionedMerkle { Live = false });
        }

        Adopt(group);
        return Task.FromResult(new VersionedMerkle { Root = _tree.Root, Leaves = [.. _tree.Leaves] });
    }

    public Task<VersionedBatch> Buckets(VersionedGroup group, IReadOnlyList<int> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (_gone)
        {
            return Task.FromResult(new VersionedBatch { Entries = [], Live = false });
        }

        Adopt(group);
        var wanted = buckets.ToHashSet();
        var entries = _keys.Where(k => wanted.Contains(_tree.BucketOf(k.Key))).Take(MaxBucketEntries)
            .Select(k => new VersionedEntry(k.Key, k.Value.Encoded)).ToList();
        return Task.FromResult(new VersionedBatch { Entries = entries, Reason = VersionedReason.AntiEntropy });
    }

    public Task<IReadOnlyList<VersionedKeyInfo>> ListKeys(VersionedGroup group, string prefix, string? after, int limit)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (_gone)
        {
            return Task.FromResult<IReadOnlyList<VersionedKeyInfo>>([]);
        }

        Adopt(group);
        IEnumerable<string> keys = _order;
        if (after is not null)
        {
            keys = keys.Where(k => string.CompareOrdinal(k, after) > 0);
        }

        if (prefix.Length > 0)
        {
            keys = keys.SkipWhile(k => string.CompareOrdinal(k, prefix) < 0).TakeWhile(k => k.StartsWith(prefix, StringComparison.Ordinal));
        }

        IReadOnlyList<VersionedKeyInfo> listed = [.. keys.Take(limit).Select(k =>
        {
            var state = _keys[k].State;
            return new VersionedKeyInfo(k, state.Stamp.Pack(), (int)Math.Min(int.MaxValue, LocalWriteRules.Size(state)), state.Deleted);
        })];
        return Task.FromResult(listed);
    }

    public Task<VersionedReplicaStatus> Status(VersionedGroup group)
    {
        if (!_gone)
        {
            Adopt(group);
        }

        return Task.FromResult(new VersionedReplicaStatus
        {
            Replica = _id.Replica,
            Grain = _key,
            Silo = Silo,
            Live = !_gone,
            Keys = _live,
            Bytes = _bytes,
            MerkleRoot = _tree.Root,
            PendingOutgoing = _pending.Sum(q => q.Count),
            HintsHeld = _hints.Sum(q => q.Count),
            LastAntiEntropy = _lastAntiEntropy,
            DivergentRanges = _divergent,
            RepairedByReadRepair = _readRepaired,
            RepairedByHints = _hinted,
            RepairedByAntiEntropy = _antiEntropyRepaired,
            ReceivedByReplication = _replicated,
            HintsDropped = _hints.Sum(q => q.Dropped + q.Expired),
            HintsDelivered = _hintsDelivered,
            TombstonesPurged = _purged,
            LoadedFromStorage = _loaded,
            MergedFromStorage = _fromStorage,
            Durable = storage.Durable,
        });
    }

    public async Task Drop()
    {
        _gone = true;
        await _store.DropAsync();
        _keys.Clear();
        _order.Clear();
        _tree.Clear();
        Array.ForEach(_pending, q => q.Clear());
        Array.ForEach(_hints, q => q.Clear());
        _live = 0;
        _bytes = 0;
    }

    public void Dispose() => _saveGate.Dispose();

    private IVersionedReplicaGrain Peer(int replica) => GrainFactory.GetGrain<IVersionedReplicaGrain>(new ReplicaId(_id.Shard, replica).ToGrainKey());

    private void Adopt(VersionedGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (_group == group)
        {
            return;
        }

        _group = group;
        var n = Math.Clamp(group.Replicas, 1, ReplicationSettings.MaxReplicas);
        _pending = [.. Enumerable.Range(0, n).Select(i => i < _pending.Length ? _pending[i] : new OutgoingKeys(_options.MaxPendingOutgoing))];
        _hints = [.. Enumerable.Range(0, n).Select(i => i < _hints.Length ? _hints[i] : new OutgoingKeys(_options.MaxHints))];
        _flushing = new bool[n];
    }

    /// <summary>Merges a state in; answers whether this replica's state changed and whether the key was live before.</summary>
    private (bool Changed, bool Existed) MergeIn(string key, byte[] bytes, VersionedReason reason)
    {
        KeyState incoming;
        try
        {
            incoming = KeyStateCodec.Decode(bytes);
        }
        catch (FormatException ex)
        {
            LogMalformed(ex, _key, key);
            return (false, false);
        }

        if (incoming.Stamp != HlcTimestamp.Zero)
        {
            _clock.Observe(incoming.Stamp);
        }

        _keys.TryGetValue(key, out var old);
        var existed = old is not null && !old.State.Deleted;
        var merged = old is null ? incoming : KeyState.Merge(old.State, incoming);
        if (merged.Expired(time.GetUtcNow().ToUnixTimeMilliseconds(), _options.TombstoneGrace))
        {
            // A tombstone past its grace: forgotten here, and never taken in again.
            if (old is null)
            {
                return (false, false);
            }

            Remove(key, old);
            _purged++;
            return (true, existed);
        }

        var encoded = KeyStateCodec.Encode(merged);
        if (old is not null && old.Encoded.AsSpan().SequenceEqual(encoded))
        {
            return (false, existed);
        }

        Store(key, merged, encoded, old);
        switch (reason)
        {
            case VersionedReason.ReadRepair:
                _readRepaired++;
                break;
            case VersionedReason.Hint:
                _hinted++;
                break;
            case VersionedReason.AntiEntropy:
                _antiEntropyRepaired++;
                break;
            case VersionedReason.Replication:
                _replicated++;
                break;
            case VersionedReason.Storage:
                _fromStorage++;
                break;
            default:
                break;
        }

        return (true, existed);
    }

    private void Store(string key, KeyState state, byte[] encoded, Stored? old)
    {
        var digest = KeyStateCodec.Digest(key, encoded);
        _tree.Update(key, old?.Digest, digest);
        Account(old, -1);
        var stored = new Stored(state, encoded, digest);
        _keys[key] = stored;
        _order.Add(key);
        Account(stored, +1);
    }

    private void Remove(string key, Stored old)
    {
        _tree.Update(key, old.Digest, null);
        Account(old, -1);
        _keys.Remove(key);
        _order.Remove(key);
        if (storage.Durable)
        {
            _ = DeleteStoredAsync(key);
        }
    }

    /// <summary>
    /// Saves the keys' current states. Saves of one key run one after another, each writing the state as it is then
    /// (so it covers every merge before it); a state another activation stored meanwhile is merged in first.
    /// </summary>
    private Task SaveAsync(IReadOnlyList<string> keys) => Task.WhenAll(keys.Distinct(StringComparer.Ordinal).Select(SaveKeyAsync));

    private Task SaveKeyAsync(string key)
    {
        var task = SaveAfterAsync(key, _saving.GetValueOrDefault(key));
        _saving[key] = task;
        _ = ForgetSaveAsync(key, task);
        return task;
    }

    private async Task SaveAfterAsync(string key, Task? previous)
    {
        if (previous is not null)
        {
            await previous.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Current);
        }

        await _saveGate.WaitAsync();
        try
        {
            await _store.SaveAsync(key, theirs =>
            {
                if (theirs is not null)
                {
                    MergeIn(key, theirs, VersionedReason.Storage);
                }

                return _keys.TryGetValue(key, out var now) ? now.Encoded : null;
            }, CancellationToken.None);
        }
        finally
        {
            _saveGate.Release();
        }
    }

    private async Task ForgetSaveAsync(string key, Task save)
    {
        try
        {
            await save;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The caller that started the save reports it (its call fails, so nothing is acknowledged on it).
        }
        finally
        {
            if (_saving.TryGetValue(key, out var current) && current == save)
            {
                _saving.Remove(key);
            }
        }
    }

    /// <summary>Waits for saves of these keys still running (started by another call that merged the same state first); their failures are that call's.</summary>
    private Task SavedAsync(IEnumerable<string> keys)
    {
        var running = keys.Where(_saving.ContainsKey).Select(k => _saving[k]).ToList();
        return running.Count == 0
            ? Task.CompletedTask
            : Task.WhenAll(running).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Current);
    }

    private async Task DeleteStoredAsync(string key)
    {
        try
        {
            await _store.DeleteAsync(key);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The row stays; its tombstone is expired, so the next activation forgets it on load.
            LogSendFailed(ex, _key, _id.Replica);
        }
    }

    private void Account(Stored? stored, int sign)
    {
        if (stored is null || stored.State.Deleted)
        {
            return;
        }

        _live += sign;
        _bytes += sign * LocalWriteRules.Size(stored.State);
    }

    /// <summary>Sends a just-accepted state to every other replica; answers once one holds it or <see cref="ReplicationOptions.CopyWait"/> passed.</summary>
    private async Task<int> CopyOutAsync(VersionedGroup group, string key, byte[] encoded, List<(int Peer, long Seq)> sent)
    {
        if (sent.Count == 0 || _options.CopyWait <= TimeSpan.Zero)
        {
            return 0;
        }

        var batch = new VersionedBatch { Entries = [new VersionedEntry(key, encoded)], Reason = VersionedReason.Replication };
        var calls = sent.Select(async s =>
        {
            try
            {
                var answer = await Peer(s.Peer).Apply(group, batch).WaitAsync(_options.AttemptTimeout, time);
                if (answer.Live)
                {
                    _pending[s.Peer].Confirm([(key, s.Seq)]);
                    return true;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogSendFailed(ex, _key, s.Peer);
            }

            return false;
        }).ToList<Task<bool>>();
        var deadline = Task.Delay(_options.CopyWait, time);
        var remaining = new List<Task>(calls);
        while (remaining.Count > 0)
        {
            var done = await Task.WhenAny([.. remaining, deadline]);
            if (done == deadline)
            {
                return 0;
            }

            remaining.Remove(done);
            if (await (Task<bool>)done)
            {
                return 1;
            }
        }

        return 0;
    }

    private Task FlushAsync()
    {
        if (_gone || _group is null)
        {
            return Task.CompletedTask;
        }

        var flushes = new List<Task>();
        for (var p = 0; p < _pending.Length; p++)
        {
            if (p != _id.Replica && !_flushing[p] && (_pending[p].Count > 0 || _hints[p].Count > 0))
            {
                flushes.Add(FlushToAsync(_group, p));
            }
        }

        return Task.WhenAll(flushes);
    }

    private async Task FlushToAsync(VersionedGroup group, int peer)
    {
        _flushing[peer] = true;
        try
        {
            foreach (var (queue, reason) in new[] { (_pending[peer], VersionedReason.Replication), (_hints[peer], VersionedReason.Hint) })
            {
                var taken = queue.Take(BatchKeys, time.GetUtcNow().ToUnixTimeMilliseconds());
                if (taken.Count == 0)
                {
                    continue;
                }

                var entries = taken.Where(t => _keys.ContainsKey(t.Key)).Select(t => new VersionedEntry(t.Key, _keys[t.Key].Encoded)).ToList();
                var answer = await Peer(peer).Apply(group, new VersionedBatch { Entries = entries, Reason = reason }).WaitAsync(_options.AttemptTimeout, time);
                if (answer.Live)
                {
                    var confirmed = queue.Confirm(taken);
                    if (reason == VersionedReason.Hint)
                    {
                        _hintsDelivered += confirmed;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSendFailed(ex, _key, peer);
        }
        finally
        {
            if (peer < _flushing.Length)
            {
                _flushing[peer] = false;
            }
        }
    }

    private async Task AntiEntropyAsync()
    {
        if (_gone || _group is not { } group || _antiEntropyRunning)
        {
            return;
        }

        PurgeTombstones();
        if (storage.Durable)
        {
            await MergeStoredChangesAsync();
        }

        if (group.Replicas < 2)
        {
            return;
        }

        _antiEntropyRunning = true;
        try
        {
            var peer = (_id.Replica + 1 + (_round++ % (group.Replicas - 1))) % group.Replicas;
            var theirs = await Peer(peer).Merkle(group).WaitAsync(_options.AttemptTimeout, time);
            if (!theirs.Live || theirs.Leaves.Length != _tree.Buckets)
            {
                return;
            }

            _lastAntiEntropy = time.GetUtcNow();
            if (theirs.Root == _tree.Root)
            {
                return;
            }

            var diff = MerkleTree.Diff(_tree.Leaves, theirs.Leaves, out _);
            _divergent += diff.Count;
            var batch = await Peer(peer).Buckets(group, diff).WaitAsync(_options.AttemptTimeout, time);
            var pulled = batch.Entries.Where(e => MergeIn(e.Key, e.State, VersionedReason.AntiEntropy).Changed).Select(e => e.Key).ToList();
            if (pulled.Count > 0 && storage.Durable)
            {
                await SaveAsync(pulled);
            }

            // Then ours, for what the peer lacks or has older (merged above, so it takes in only what is newer).
            var wanted = diff.ToHashSet();
            var mine = _keys.Where(k => wanted.Contains(_tree.BucketOf(k.Key))).Select(k => new VersionedEntry(k.Key, k.Value.Encoded)).ToList();
            foreach (var chunk in mine.Chunk(BatchKeys))
            {
                await Peer(peer).Apply(group, new VersionedBatch { Entries = chunk, Reason = VersionedReason.AntiEntropy }).WaitAsync(_options.AttemptTimeout, time);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogAntiEntropyFailed(ex, _key);
        }
        finally
        {
            _antiEntropyRunning = false;
        }
    }

    /// <summary>
    /// Merges what another activation of this replica stored meanwhile (Orleans can briefly run two, and a silo
    /// declared dead keeps serving its clients until it learns so): its acknowledged writes live in the rows only.
    /// </summary>
    private async Task MergeStoredChangesAsync()
    {
        try
        {
            var changed = await _store.ChangedAsync(CancellationToken.None);
            var merged = changed.Where(e => MergeIn(e.Key, e.State, VersionedReason.Storage).Changed).Select(e => e.Key).ToList();
            if (merged.Count > 0)
            {
                await SaveAsync(merged);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogAntiEntropyFailed(ex, _key);
        }
    }

    private void PurgeTombstones()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expired = _keys.Where(k => k.Value.State.Expired(now, _options.TombstoneGrace)).ToList();
        foreach (var (key, stored) in expired)
        {
            Remove(key, stored);
            _purged++;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica} refused a malformed state of key {Key}")]
    private partial void LogMalformed(Exception ex, string replica, string key);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Replica {Replica} could not send to replica {Peer}; it retries")]
    private partial void LogSendFailed(Exception ex, string replica, int peer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Replica {Replica}: an anti-entropy round did not finish; the next one retries")]
    private partial void LogAntiEntropyFailed(Exception ex, string replica);

    private sealed record Stored(KeyState State, byte[] Encoded, ulong Digest);
}
