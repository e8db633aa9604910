using System.IO.Hashing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.GrainDirectory;
using Orleans.Runtime.Placement;
using Platform.KeyValue;
using Platform.Replication.Placement;
using Platform.Replication.Raft;
using Platform.Replication.Storage;
using Platform.Sharding;

namespace Platform.Replication;

/// <summary>
/// One replica of a replicated shard: hosts a <see cref="RaftNode"/> and the shard's keys (<see cref="ReplicatedKeyValueState"/>).
/// </summary>
/// <remarks>
/// <para>
/// The grain keeps activation, persistence, timers and messaging; every Raft decision is the node's. Raft messages
/// travel as one-way calls (<see cref="Deliver"/>); a grain timer ticks the node; after every input the grain
/// drains the node's Ready: persist (before anything that depends on it is sent), send, apply, answer. With memory
/// storage all of it runs within the turn; with durable storage the persist awaits and later inputs queue behind it
/// (one drain at a time).
/// </para>
/// <para>
/// Client calls (<see cref="Write"/>, <see cref="Read"/>) interleave: a write proposes and then waits for its
/// acknowledgement while the replica keeps handling Raft traffic, which is what completes it. A write's result is
/// the state machine's decision on the committed entry (<c>majority</c>, <c>all</c>), or the leader's decision on its
/// own log (<c>one</c>, <c>leader</c>; <see cref="SpeculativeState"/>).
/// </para>
/// </remarks>
[ReplicaPlacement]
[GrainType("replica")]
[GrainDirectory(GrainDirectoryName = DirectoryName)]
public sealed partial class ReplicaGrain(
    IReplicaStorage storage,
    ILocalSiloDetails silo,
    IOptions<ReplicationOptions> options,
    IOptions<KeyValueOptions> keyValueOptions,
    TimeProvider time,
    ReplicationMetrics metrics,
    ILogger<ReplicaGrain> logger) : Grain, IReplicaGrain
{
    /// <summary>
    /// The grain directory replicas register in: Orleans' strongly consistent distributed directory, which rebuilds a
    /// dead silo's directory ranges from the surviving silos' activations. (The default directory may instead drop
    /// activations whose entries the dead silo held, which on memory storage would take replicas on healthy silos,
    /// and with them a group's majority, along with the dead one.)
    /// </summary>
    public const string DirectoryName = "platform-replicas";

    // Writes waiting for their acknowledgement level, in proposal order (few at a time: one per write in flight).
    private readonly List<WriteWaiter> _writes = [];
    private readonly Dictionary<long, TaskCompletionSource<long>> _reads = [];
    private readonly List<(long Index, TaskCompletionSource Done)> _applied = [];
    private readonly List<long> _ledTerms = [];
    private ReplicationOptions _options = null!;
    private ReplicaId _id;
    private string _key = "";
    private ReplicationSettings _settings = new();
    private RaftNode _node = null!;
    private ReplicatedKeyValueState _state = null!;
    private SpeculativeState _speculative = null!;
    private IReplicaGrain[] _peers = [];
    private string?[] _siloOf = [];

    // The tick each replica's silo was last heard of; a silo heard of long ago is not trusted for rebalancing (the
    // replica may have moved since).
    private long[] _siloHeard = [];

    // The configuration when this leader last asked a replica to move, and the tick it asked: no second move is asked
    // until the first shows in the configuration (or long after, if it never did).
    private RaftConfiguration? _relocationConfig;
    private long _relocationTick;
    private IGrainTimer? _ticker;
    private IReplicaLog? _log;
    private long _incarnation;
    private long _appliedIndex;
    private long _readSeq;
    private long _ticks;
    private bool _gone;

    // This activation stopped taking part (superseded by a newer incarnation, or its state could not be persisted):
    // it answers "not leader" until Orleans deactivates it; the next activation starts from storage.
    private bool _stopped;
    private bool _driving;
    private bool _driveAgain;
    private RaftRole _lastRole;

    private string Silo => silo.SiloAddress.ToParsableString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _options = options.Value;
        _key = this.GetPrimaryKeyString();
        _id = ReplicaId.Parse(_key);
        if (_id.IsSystem)
        {
            _settings = new ReplicationSettings { Replicas = _options.SystemReplicas };
        }
        else
        {
            var settings = await GrainFactory.GetGrain<INamespaceGrain>(_id.Shard.Namespace).Get();
            if (settings?.Replication is not { } replication || settings.Generation != _id.Shard.Generation || _id.Shard.Index >= settings.Shards)
            {
                _gone = true;
                return;
            }

            _settings = replication;
        }

        if (_id.Replica >= _settings.Replicas)
        {
            _gone = true;
            return;
        }

        var load = _log = await storage.OpenAsync(_id, cancellationToken);
        _incarnation = load.Incarnation;
        var raft = new RaftOptions
        {
            ElectionTicks = _options.ElectionTicks,
            HeartbeatTicks = _options.HeartbeatTicks,
        };
        _node = new RaftNode(new MemberId(_id.Replica, _incarnation), _settings.Replicas, raft, new Random(), load.State);
        _state = new ReplicatedKeyValueState(_options.DedupWindow);
        _speculative = new SpeculativeState(_state);
        if (load.State?.Snapshot is { } snapshot)
        {
            _state.Restore(snapshot.Data);
        }

        _appliedIndex = _node.Applied;
        _peers = [.. Enumerable.Range(0, _settings.Replicas).Select(r => GrainFactory.GetGrain<IReplicaGrain>(new ReplicaId(_id.Shard, r).ToGrainKey()))];
        _siloOf = new string?[_settings.Replicas];
        _siloHeard = new long[_settings.Replicas];
        _siloOf[_id.Replica] = Silo;
        _ticker = this.RegisterGrainTimer(OnTick, new GrainTimerCreationOptions(_options.TickInterval, _options.TickInterval) { KeepAlive = true, Interleave = false });
        var restored = load.State is not null;
        LogActivated(_key, _incarnation, restored);
        Drive();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _ticker?.Dispose();
        metrics.Remove(_id);
        if (!_gone && !_stopped && _node is { Role: RaftRole.Leader })
        {
            // Graceful moves (silo shutdown, relocation) hand leadership to an up-to-date voter first.
            _node.TransferLeadership();
            Drive();
        }

        FailWrites("the replica is deactivating");
        return Task.CompletedTask;
    }

    public Task Deliver(ReplicaPacket packet)
    {
        if (_gone || _stopped || _node is null)
        {
            return Task.CompletedTask;
        }

        List<RaftMessage> messages;
        try
        {
            messages = RaftCodec.DecodeMessages(packet.Messages);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            LogBadPacket(ex, _key);
            return Task.CompletedTask;
        }

        foreach (var message in messages)
        {
            if (message.From.Replica >= 0 && message.From.Replica < _siloOf.Length)
            {
                _siloOf[message.From.Replica] = packet.FromSilo;
                _siloHeard[message.From.Replica] = _ticks;
            }

            _node.Step(message);
        }

        Drive();
        return Task.CompletedTask;
    }

    public async Task<ReplicaWriteResult> Write(ReplicaWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (_gone)
        {
            return new ReplicaWriteResult { Status = ReplicaCallStatus.NamespaceGone, Detail = GoneDetail };
        }

        if (_stopped || _node.Role != RaftRole.Leader)
        {
            return NotLeaderWrite();
        }

        var request = write.Request;
        KeyValueWriteRules.Validate(request, keyValueOptions.Value);
        if (_state.ResultOf(write.RequestId) is { } earlier)
        {
            // A retry of a write that applied: answer its first outcome once the namespace's ack level holds for
            // everything applied so far (which includes it).
            var retried = new WriteWaiter(_appliedIndex, _node.Term) { Applied = earlier, Speculative = earlier };
            _writes.Add(retried);
            AfterStep();
            return await Acknowledged(retried, write.Timeout);
        }

        IReadOnlyDictionary<string, long>? lockTokens = null;
        if (request.Fence is { } fence)
        {
            if (await KeyValueWriteRules.CheckLockAsync(GrainFactory, fence) is { } refused)
            {
                return Written(refused, _appliedIndex);
            }

            var stored = _state.Stored(request.Key);
            if (KeyValueWriteRules.NeedsLockTokens(stored, request, keyValueOptions.Value))
            {
                lockTokens = await KeyValueWriteRules.LockTokensAsync(GrainFactory, stored!, fence);
            }

            if (_node.Role != RaftRole.Leader || _gone || _stopped)
            {
                return _gone ? new ReplicaWriteResult { Status = ReplicaCallStatus.NamespaceGone, Detail = GoneDetail } : NotLeaderWrite();
            }
        }

        var command = new ReplicaCommand(write.RequestId, request, time.GetUtcNow(), lockTokens, keyValueOptions.Value.MaxFencesPerKey);
        var index = _node.Propose(command.Encode());
        if (index == 0)
        {
            return NotLeaderWrite();
        }

        var waiter = new WriteWaiter(index, _node.Term);
        if (_settings.Ack is ReplicationAck.One or ReplicationAck.Leader)
        {
            waiter.Speculative = _speculative.Decide(index, command);
        }

        // Proposed; the drain below replicates it (and, in a group of one, may commit and apply it at once), and Apply
        // and AfterStep complete the waiter, so it is registered first.
        _writes.Add(waiter);
        Drive();
        return await Acknowledged(waiter, write.Timeout);
    }

    /// <summary>Waits until the registered <paramref name="waiter"/>'s write meets the namespace's ack level, or answers Unavailable after <paramref name="timeout"/>.</summary>
    private async Task<ReplicaWriteResult> Acknowledged(WriteWaiter waiter, TimeSpan timeout)
    {
        try
        {
            return await waiter.Done.Task.WaitAsync(timeout, time);
        }
        catch (TimeoutException)
        {
            _writes.Remove(waiter);
            return new ReplicaWriteResult
            {
                Status = ReplicaCallStatus.Unavailable,
                Term = _node.Term,
                Detail = $"not acknowledged ({_settings.Ack}) within {timeout.TotalMilliseconds:0} ms; it may or may not apply",
            };
        }
    }

    public async Task<ReplicaReadResult> Read(ReplicaRead read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (_gone)
        {
            return new ReplicaReadResult { Status = ReplicaCallStatus.NamespaceGone, Detail = GoneDetail };
        }

        if (_stopped)
        {
            return new ReplicaReadResult { Status = ReplicaCallStatus.NotLeader, Detail = "this activation of the replica stopped" };
        }

        var refusal = await ReadyToServe(read);
        if (refusal is { } status)
        {
            return new ReplicaReadResult { Status = status.Status, LeaderHint = status.Hint, Detail = status.Detail, Served = Served() };
        }

        return read.Keys is { } keys
            ? new ReplicaReadResult { Status = ReplicaCallStatus.Ok, Entries = _state.GetMany(keys), Served = Served() }
            : new ReplicaReadResult { Status = ReplicaCallStatus.Ok, Entry = _state.Get(read.Key ?? ""), Served = Served() };
    }

    public async Task<ReplicaListResult> ListKeys(ReplicaRead read, string prefix, string? after, int limit)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (_gone)
        {
            return new ReplicaListResult { Status = ReplicaCallStatus.NamespaceGone, Detail = GoneDetail };
        }

        if (_stopped)
        {
            return new ReplicaListResult { Status = ReplicaCallStatus.NotLeader, Detail = "this activation of the replica stopped" };
        }

        var refusal = await ReadyToServe(read);
        return refusal is { } status
            ? new ReplicaListResult { Status = status.Status, LeaderHint = status.Hint, Detail = status.Detail, Served = Served() }
            : new ReplicaListResult { Status = ReplicaCallStatus.Ok, Keys = _state.List(prefix, after, limit), Served = Served() };
    }

    public Task<ReplicaStatus> Status()
    {
        if (_gone || _node is null)
        {
            return Task.FromResult(new ReplicaStatus
            {
                Replica = _id.Replica,
                Grain = _id.ToGrainKey(),
                Silo = Silo,
                Incarnation = _incarnation,
                Role = ReplicaRole.Follower,
                Term = 0,
                Live = false,
            });
        }

        var members = _node.Role == RaftRole.Leader
            ? _node.Config.Members.Select(m => new ReplicaMemberStatus(m.Replica, m.Incarnation, _node.Config.IsVoter(m), _node.MatchOf(m), _siloOf[m.Replica])).ToList()
            : [];
        return Task.FromResult(new ReplicaStatus
        {
            Replica = _id.Replica,
            Grain = _id.ToGrainKey(),
            Silo = Silo,
            Incarnation = _incarnation,
            Role = _stopped ? ReplicaRole.Follower : RoleOf(_node),
            Term = _node.Term,
            Leader = _node.Leader?.Replica,
            CommitIndex = _node.Commit,
            AppliedIndex = _appliedIndex,
            LastIndex = _node.LastIndex,
            SnapshotIndex = _node.SnapshotIndex,
            Voter = _node.IsVoter,
            Keys = _state.Keys,
            Bytes = _state.Bytes,
            Members = members,
        });
    }

    public Task<ReplicaLogDump> DumpLog()
    {
        if (_node is null)
        {
            return Task.FromResult(new ReplicaLogDump { Replica = _id.Replica, Incarnation = _incarnation });
        }

        return Task.FromResult(new ReplicaLogDump
        {
            Replica = _id.Replica,
            Incarnation = _incarnation,
            CommitIndex = _node.Commit,
            SnapshotIndex = _node.SnapshotIndex,
            Entries = [.. _node.Entries.Select(e => new ReplicaLogEntry(e.Index, e.Term, XxHash64.HashToUInt64(e.Kind == EntryKind.Config ? System.Text.Encoding.UTF8.GetBytes(e.Config!.ToString()) : e.Data)))],
            LedTerms = [.. _ledTerms],
        });
    }

    public async Task Drop()
    {
        _gone = true;
        _ticker?.Dispose();
        FailWrites("its namespace generation was deleted");
        _state?.Restore([]);
        await storage.DropAsync(_id);
        DeactivateOnIdle();
    }

    public Task Relocate(SiloAddress target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!_gone && _node is { Role: RaftRole.Leader })
        {
            _node.TransferLeadership();
            Drive();
        }

        LogRelocating(_key, Silo);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        try
        {
            MigrateOnIdle();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        return Task.CompletedTask;
    }

    private string GoneDetail => $"Namespace '{_id.Shard.Namespace}' generation {_id.Shard.Generation} is gone.";

    private Task OnTick(CancellationToken cancellationToken)
    {
        if (_gone || _stopped)
        {
            return Task.CompletedTask;
        }

        _node.Tick();
        _ticks++;
        if (_node.Role == RaftRole.Leader && _ticks % Math.Max(1, (long)(_options.RebalanceInterval / _options.TickInterval)) == 0)
        {
            Rebalance();
        }

        Drive();
        return Task.CompletedTask;
    }

    /// <summary>Null when the read may be served here now; else why not.</summary>
    private async Task<(ReplicaCallStatus Status, int? Hint, string Detail)?> ReadyToServe(ReplicaRead read)
    {
        switch (read.Consistency)
        {
            case ReadConsistency.Strong:
                {
                    if (_node.Role != RaftRole.Leader)
                    {
                        return (ReplicaCallStatus.NotLeader, _node.Leader?.Replica, "strong reads are served by the leader");
                    }

                    // Reads of a namespace that acknowledges before commit wait for everything the leader has appended,
                    // so they see every acknowledged write (once it commits).
                    var minIndex = _settings.Ack is ReplicationAck.One or ReplicationAck.Leader ? _node.LastIndex : 0;
                    var id = ++_readSeq;
                    var confirmed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _reads[id] = confirmed;
                    if (!_node.ReadIndex(id, minIndex))
                    {
                        _reads.Remove(id);
                        return (ReplicaCallStatus.NotLeader, _node.Leader?.Replica, "strong reads are served by the leader");
                    }

                    Drive();
                    long index;
                    try
                    {
                        index = await confirmed.Task.WaitAsync(read.Timeout, time);
                    }
                    catch (TimeoutException)
                    {
                        _reads.Remove(id);
                        return (ReplicaCallStatus.Unavailable, null, "leadership not confirmed by a quorum in time");
                    }
                    catch (OperationCanceledException)
                    {
                        return (ReplicaCallStatus.NotLeader, _node.Leader?.Replica, "leadership lost before the read was confirmed");
                    }

                    return await WaitApplied(index, read.Timeout)
                        ? null
                        : (ReplicaCallStatus.Unavailable, null, $"index {index} not applied in time");
                }

            case ReadConsistency.Session:
                return read.MinIndex <= _appliedIndex || await WaitApplied(read.MinIndex, read.Wait)
                    ? null
                    : (ReplicaCallStatus.Behind, _node.Leader?.Replica, $"applied {_appliedIndex}, the session has seen {read.MinIndex}");
            default:
                return null;
        }
    }

    /// <summary>True once this replica has applied <paramref name="index"/>, false when <paramref name="wait"/> ran out first.</summary>
    private async Task<bool> WaitApplied(long index, TimeSpan wait)
    {
        if (_appliedIndex >= index)
        {
            return true;
        }

        if (wait <= TimeSpan.Zero)
        {
            return false;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _applied.Add((index, done));
        try
        {
            await done.Task.WaitAsync(wait, time);
            return true;
        }
        catch (TimeoutException)
        {
            _applied.Remove((index, done));
            return false;
        }
    }

    /// <summary>Drains the node's Ready: persist, send, apply, answer. One drain at a time; inputs during a persist wait for the next round.</summary>
    private void Drive()
    {
        if (_driving)
        {
            _driveAgain = true;
            return;
        }

        var drain = DriveAsync();
        if (!drain.IsCompleted)
        {
            drain.ContinueWith(t => LogDriveFailed(t.Exception!, _key), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Current);
        }
        else if (drain.IsFaulted)
        {
            LogDriveFailed(drain.Exception!, _key);
        }
    }

    private async Task DriveAsync()
    {
        _driving = true;
        try
        {
            do
            {
                _driveAgain = false;
                while (_node.HasReady && !_gone && !_stopped)
                {
                    var ready = _node.GetReady();
                    if (!await Persist(ready))
                    {
                        return;
                    }

                    Send(ready.Messages);
                    if (ready.Snapshot is { } snapshot)
                    {
                        _state.Restore(snapshot.Data);
                        _speculative.Clear();
                        _appliedIndex = snapshot.Meta.Index;
                    }

                    foreach (var entry in ready.CommittedEntries)
                    {
                        Apply(entry);
                    }

                    foreach (var read in ready.ReadStates)
                    {
                        if (_reads.Remove(read.RequestId, out var confirmed))
                        {
                            confirmed.TrySetResult(read.Index);
                        }
                    }

                    foreach (var failed in ready.FailedReads)
                    {
                        if (_reads.Remove(failed, out var confirmed))
                        {
                            confirmed.TrySetCanceled();
                        }
                    }

                    _node.Advance(ready);
                    AfterStep();
                    await MaybeCompact();
                }
            }
            while (_driveAgain && !_gone && !_stopped);
        }
        finally
        {
            _driving = false;
        }

        if (_node.Superseded && !_gone && !_stopped)
        {
            LogSuperseded(_key, _incarnation);
            _stopped = true;
            FailWrites("a newer incarnation of this replica exists");
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// Persists a Ready before anything that depends on it is sent. A failure stops this activation (nothing of the
    /// Ready is sent or applied; the next activation reloads what storage has): another activation wrote the state,
    /// or storage failed with the outcome unknown.
    /// </summary>
    private async ValueTask<bool> Persist(RaftReady ready)
    {
        try
        {
            await _log!.SaveAsync(ready);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPersistFailed(ex, _key, _incarnation);
            _stopped = true;
            FailWrites("its Raft state could not be persisted");
            DeactivateOnIdle();
            return false;
        }
    }

    private void Apply(LogEntry entry)
    {
        if (entry.Kind == EntryKind.Command)
        {
            var result = _state.Apply(ReplicaCommand.Decode(entry.Data));
            foreach (var waiter in _writes.Where(w => w.Index == entry.Index && w.Applied is null).ToList())
            {
                if (waiter.Term == entry.Term)
                {
                    waiter.Applied = result;
                }
                else
                {
                    // Another leader's entry took this index: the write did not apply here, and never will.
                    _writes.Remove(waiter);
                    waiter.Done.TrySetResult(NotLeaderWrite() with { Detail = "leadership changed before the write committed; it did not apply" });
                }
            }
        }

        _appliedIndex = entry.Index;
        _speculative.AppliedTo(entry.Index);
        for (var i = _applied.Count - 1; i >= 0; i--)
        {
            if (_applied[i].Index <= _appliedIndex)
            {
                _applied[i].Done.TrySetResult();
                _applied.RemoveAt(i);
            }
        }
    }

    /// <summary>After each Ready: role changes, and writes whose acknowledgement level is now met.</summary>
    private void AfterStep()
    {
        metrics.Report(_id, _node.Role.ToString().ToLowerInvariant(), _node.Term, _node.Commit, _appliedIndex, _node.Role != _lastRole && _node.Role == RaftRole.Leader, _state.Keys, _state.Bytes);
        if (_node.Role != _lastRole)
        {
            if (_node.Role == RaftRole.Leader)
            {
                _ledTerms.Add(_node.Term);
                RebuildSpeculative();
                LogLeader(_key, _incarnation, _node.Term);
            }
            else if (_lastRole == RaftRole.Leader)
            {
                _speculative.Clear();
                FailWrites("this replica stopped leading its group");
            }

            _lastRole = _node.Role;
        }

        if (_writes.Count == 0)
        {
            return;
        }

        foreach (var waiter in _writes.ToList())
        {
            var index = waiter.Index;
            if (_node.Role != RaftRole.Leader || _node.Term != waiter.Term)
            {
                _writes.Remove(waiter);
                waiter.Done.TrySetResult(Unavailable("this replica stopped leading its group before the write was acknowledged; it may or may not apply"));
                continue;
            }

            var result = _settings.Ack switch
            {
                ReplicationAck.Majority when waiter.Applied is not null && Holding(index) >= _settings.Majority => waiter.Applied,
                ReplicationAck.All when waiter.Applied is not null && _node.Config.Members.All(m => _node.MatchOf(m) >= index) => waiter.Applied,
                ReplicationAck.One when _node.StableIndex >= index && _node.Config.Members.Any(m => m != _node.Self && _node.MatchOf(m) >= index) => waiter.Speculative,
                ReplicationAck.Leader when _node.StableIndex >= index => waiter.Speculative,
                _ => null,
            };
            if (result is not null)
            {
                _writes.Remove(waiter);
                waiter.Done.TrySetResult(Written(result, index));
            }
        }
    }

    /// <summary>Members of the configuration known to hold <paramref name="index"/>: a majority write needs a majority of the group's size, even while a replaced member catches up.</summary>
    private int Holding(long index) => _node.Config.Members.Count(m => _node.MatchOf(m) >= index);

    private void RebuildSpeculative()
    {
        _speculative.Clear();
        if (_settings.Ack is not (ReplicationAck.One or ReplicationAck.Leader))
        {
            return;
        }

        for (var i = _appliedIndex + 1; i <= _node.LastIndex; i++)
        {
            if (_node.EntryAt(i) is { Kind: EntryKind.Command } entry)
            {
                _speculative.Decide(i, ReplicaCommand.Decode(entry.Data));
            }
        }
    }

    private async ValueTask MaybeCompact()
    {
        if (_appliedIndex - _node.SnapshotIndex < _options.SnapshotEntries || _appliedIndex > _node.Applied)
        {
            return;
        }

        var snapshot = _node.Compact(_node.Applied, _state.Snapshot());
        try
        {
            await _log!.SaveSnapshotAsync(snapshot);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The log entries stay in storage; the next snapshot tries again.
            LogPersistFailed(ex, _key, _incarnation);
        }
    }

    /// <summary>Sends a Ready's messages, one one-way call per receiving replica.</summary>
    private void Send(IReadOnlyList<RaftMessage> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }

        foreach (var batch in messages.GroupBy(m => m.To.Replica))
        {
            if (batch.Key < 0 || batch.Key >= _peers.Length || batch.Key == _id.Replica)
            {
                continue;
            }

            try
            {
                _ = _peers[batch.Key].Deliver(new ReplicaPacket(RaftCodec.EncodeMessages([.. batch]), Silo));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogSendFailed(ex, _key, batch.Key);
            }
        }
    }

    /// <summary>
    /// A leader whose group has two replicas on one silo while an active silo has none of them asks one (not
    /// itself, when it can help it) to move, once the group is whole: every member a caught-up voter.
    /// </summary>
    private void Rebalance()
    {
        if (!_node.LeaderReady || _node.Config.Learners.Count > 0 || _node.Config.Voters.Count < _settings.Replicas
            || _node.Config.Voters.Any(v => _node.MatchOf(v) < _node.Commit))
        {
            return;
        }

        var interval = Math.Max(1, (long)(_options.RebalanceInterval / _options.TickInterval));
        if (_relocationConfig is not null && _relocationConfig.Equals(_node.Config) && _ticks - _relocationTick < 6 * interval)
        {
            return;
        }

        // Only silos heard of lately: a replica that moved (or is moving) has not been heard of at its old one since.
        var fresh = 4L * _options.ElectionTicks;
        var placed = _node.Config.Voters.Select(v => (v.Replica, Silo: v.Replica == _id.Replica || _ticks - _siloHeard[v.Replica] <= fresh ? _siloOf[v.Replica] : null)).ToList();
        if (placed.Any(p => p.Silo is null))
        {
            return;
        }

        var crowded = placed.GroupBy(p => p.Silo).Where(g => g.Count() > 1).SelectMany(g => g.Skip(1)).ToList();
        if (crowded.Count == 0)
        {
            return;
        }

        _relocationConfig = _node.Config;
        _relocationTick = _ticks;
        _ = RebalanceAsync(crowded.OrderBy(c => c.Replica == _id.Replica).First().Replica, placed.Select(p => p.Silo!).ToHashSet());
    }

    private async Task RebalanceAsync(int replica, HashSet<string> used)
    {
        try
        {
            var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            var target = hosts.Keys.Where(h => !used.Contains(h.ToParsableString())).OrderBy(h => h.ToParsableString(), StringComparer.Ordinal).FirstOrDefault();
            if (target is not null)
            {
                LogRebalance(_key, replica, target);
                await _peers[replica].Relocate(target);
            }
            else
            {
                // Nowhere to go: the next check may ask again.
                _relocationConfig = null;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSendFailed(ex, _key, replica);
        }
    }

    private void FailWrites(string why)
    {
        foreach (var waiter in _writes)
        {
            waiter.Done.TrySetResult(Unavailable($"{why}; the write may or may not apply"));
        }

        _writes.Clear();
        foreach (var read in _reads.Values)
        {
            read.TrySetCanceled();
        }

        _reads.Clear();
    }

    private ReplicaWriteResult Written(KeyValueWriteResult result, long index) => new()
    {
        Status = ReplicaCallStatus.Ok,
        Result = result,
        Index = index,
        Term = _node.Term,
        Served = Served(),
    };

    private ReplicaWriteResult NotLeaderWrite() => new()
    {
        Status = ReplicaCallStatus.NotLeader,
        LeaderHint = _node.Leader?.Replica is { } leader && leader != _id.Replica ? leader : null,
        Term = _node.Term,
        Detail = "writes are served by the leader",
    };

    private ReplicaWriteResult Unavailable(string detail) => new() { Status = ReplicaCallStatus.Unavailable, Term = _node.Term, Detail = detail };

    private ReplicaServed Served() => new()
    {
        Replica = _id.ToGrainKey(),
        Role = _node is null ? ReplicaRole.Follower : RoleOf(_node),
        Term = _node?.Term ?? 0,
        AppliedIndex = _appliedIndex,
        Silo = Silo,
    };

    private static ReplicaRole RoleOf(RaftNode node) => node.Role switch
    {
        RaftRole.Leader => ReplicaRole.Leader,
        RaftRole.Candidate or RaftRole.PreCandidate => ReplicaRole.Candidate,
        _ => node.IsVoter ? ReplicaRole.Follower : ReplicaRole.Learner,
    };

    private sealed class WriteWaiter(long index, long term)
    {
        public long Index { get; } = index;

        public long Term { get; } = term;

        public KeyValueWriteResult? Applied { get; set; }

        public KeyValueWriteResult? Speculative { get; set; }

        public TaskCompletionSource<ReplicaWriteResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Replica {Replica} activated as incarnation {Incarnation} (state restored: {Restored})")]
    private partial void LogActivated(string replica, long incarnation, bool restored);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replica {Replica} (incarnation {Incarnation}) leads term {Term}")]
    private partial void LogLeader(string replica, long incarnation, long term);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica} (incarnation {Incarnation}) is superseded by a newer incarnation; deactivating")]
    private partial void LogSuperseded(string replica, long incarnation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replica {Replica} leaves silo {Silo} to spread its group")]
    private partial void LogRelocating(string replica, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replica group of {Replica}: asking replica {Moving} to move to silo {Target}, which has none of the group")]
    private partial void LogRebalance(string replica, int moving, SiloAddress target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica}: undecodable packet dropped")]
    private partial void LogBadPacket(Exception exception, string replica);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica}: sending to replica {To} failed")]
    private partial void LogSendFailed(Exception exception, string replica, int to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica} (incarnation {Incarnation}): persisting its Raft state failed; the activation stops")]
    private partial void LogPersistFailed(Exception exception, string replica, long incarnation);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replica {Replica}: draining the Raft node failed")]
    private partial void LogDriveFailed(Exception exception, string replica);
}
