namespace Platform.Replication.Raft;

/// <summary>
/// One member of a Raft group as a deterministic state machine: fed ticks (<see cref="Tick"/>), messages
/// (<see cref="Step"/>), proposals and reads, it hands its host a <see cref="RaftReady"/> of what to persist, send and
/// apply. No clocks, threads, I/O or Orleans: the host supplies all of them, so a simulation can drive it.
/// </summary>
/// <remarks>
/// <para>
/// Raft as in Ongaro's thesis: leader election with randomized timeouts, pre-vote and check-quorum (leader
/// stickiness); log matching and commit of the leader's own term only; snapshots and InstallSnapshot in chunks;
/// ReadIndex reads confirmed by a heartbeat round; leadership transfer by TimeoutNow; single-server configuration
/// changes that take effect when appended.
/// </para>
/// <para>
/// Membership is by member (slot and incarnation). A node votes and counts votes and acknowledgements only for the
/// exact members of its latest configuration, so a new incarnation of a slot (which forgot what the old one
/// promised) is a learner until the group commits its promotion. The leader manages this itself: when it hears from
/// a newer incarnation of a slot it replaces the old member by the new one as a learner, and promotes a learner
/// once it has every committed entry, one configuration change at a time, each only after the leader has committed
/// an entry of its own term.
/// </para>
/// </remarks>
public sealed class RaftNode
{
    private readonly RaftOptions _options;
    private readonly Random _random;
    private readonly RaftLog _log = new();
    private readonly List<RaftMessage> _outbox = [];
    private readonly List<ReadState> _readStates = [];
    private readonly List<long> _failedReads = [];
    private readonly Dictionary<MemberId, Progress> _progress = [];
    private readonly Dictionary<MemberId, Queue<long>> _inflight = [];
    private readonly HashSet<MemberId> _granted = [];
    private readonly HashSet<MemberId> _rejected = [];
    private readonly long[] _known;

    // Configuration entries in the log (after the snapshot), in index order.
    private readonly List<(long Index, RaftConfiguration Config)> _configs = [];
    private readonly List<(long Seq, long RequestId, long Index)> _reads = [];
    private readonly List<(long RequestId, long MinIndex)> _readsBeforeCommit = [];
    private readonly HashSet<MemberId> _readAcks = [];

    private RaftSnapshot _snapshot;
    private RaftSnapshot? _unstableSnapshot;
    private HardState _savedHard;
    private long _commit;
    private long _handedApplied;
    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _randomizedTimeout;
    private long _readSeq;
    private long _roundSeq;
    private bool _roundInFlight;
    private MemberId? _transferTarget;
    private int _transferElapsed;
    private long _termStart;
    private IncomingSnapshot? _incoming;

    /// <summary>
    /// A node of a group of <paramref name="replicas"/> slots: fresh (<paramref name="restored"/> null: the empty log
    /// and the genesis configuration, term 0) or restarted from what it had persisted (same incarnation).
    /// </summary>
    public RaftNode(MemberId self, int replicas, RaftOptions options, Random random, RaftPersistedState? restored = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(self.Replica, replicas);
        Self = self;
        Replicas = replicas;
        _options = options;
        _random = random;
        _known = new long[replicas];
        _known[self.Replica] = self.Incarnation;
        _snapshot = new RaftSnapshot(new RaftSnapshotMeta(0, 0, RaftConfiguration.Genesis(replicas)), []);
        Config = _snapshot.Meta.Config;
        if (restored is not null)
        {
            if (restored.Snapshot is { } snapshot)
            {
                _snapshot = snapshot;
                _log.ResetTo(snapshot.Meta.Index, snapshot.Meta.Term);
                Config = snapshot.Meta.Config;
            }

            foreach (var entry in restored.Entries)
            {
                if (entry.Index > _log.SnapshotIndex)
                {
                    _log.Append(entry);
                    if (entry.Kind == EntryKind.Config)
                    {
                        _configs.Add((entry.Index, entry.Config!));
                        Config = entry.Config!;
                    }
                }
            }

            _log.MarkAllStable();
            Term = restored.HardState.Term;
            VotedFor = restored.HardState.VotedFor;
            _commit = Math.Clamp(restored.HardState.Commit, _log.SnapshotIndex, _log.LastIndex);
            _savedHard = new HardState(Term, VotedFor, _commit);
        }

        Applied = _log.SnapshotIndex;
        _handedApplied = _log.SnapshotIndex;
        foreach (var member in Config.Members)
        {
            _known[member.Replica] = Math.Max(_known[member.Replica], member.Replica == self.Replica ? self.Incarnation : member.Incarnation);
        }

        ResetElectionTimeout();

        // A brand-new group: its first slot campaigns at once instead of waiting out a timeout.
        if (restored is null && self == new MemberId(0, MemberId.FirstIncarnation))
        {
            _randomizedTimeout = 1;
        }
    }

    public MemberId Self { get; }

    /// <summary>Slots in the group (N).</summary>
    public int Replicas { get; }

    public RaftRole Role { get; private set; }

    public long Term { get; private set; }

    public MemberId? VotedFor { get; private set; }

    /// <summary>The leader of <see cref="Term"/> as far as this node knows.</summary>
    public MemberId? Leader { get; private set; }

    public long Commit => _commit;

    /// <summary>The last index the host has applied (as of its last <see cref="Advance"/>).</summary>
    public long Applied { get; private set; }

    public long LastIndex => _log.LastIndex;

    public long LastTerm => _log.LastTerm;

    public long StableIndex => _log.StableIndex;

    public long SnapshotIndex => _log.SnapshotIndex;

    /// <summary>The latest configuration in the log (it applies as soon as appended).</summary>
    public RaftConfiguration Config { get; private set; }

    public bool IsVoter => IsVoterIn(Config, Self);

    /// <summary>A message reached this node for a newer incarnation of its slot: it is an orphan and should stop.</summary>
    public bool Superseded { get; private set; }

    /// <summary>The local snapshot (the genesis one, index 0, until the host compacts).</summary>
    public RaftSnapshot Snapshot => _snapshot;

    /// <summary>The log entries in memory (after the snapshot), for hosts that inspect them (tests, the shard map).</summary>
    public IReadOnlyList<LogEntry> Entries => _log.Slice(_log.SnapshotIndex + 1, _log.LastIndex, int.MaxValue, long.MaxValue);

    /// <summary>A leader's view of each member (itself excluded); empty on other nodes.</summary>
    public IReadOnlyDictionary<MemberId, Progress> Progress => _progress;

    /// <summary>The newest incarnation this node has heard of for a slot.</summary>
    public long KnownIncarnation(int replica) => _known[replica];

    /// <summary>The index a leader knows <paramref name="member"/> to have (its own stable index for itself); 0 if unknown.</summary>
    public long MatchOf(MemberId member) =>
        member == Self ? _log.StableIndex : _progress.TryGetValue(member, out var p) ? p.Match : 0;

    /// <summary>True for a leader that has committed an entry of its own term (it knows what is committed).</summary>
    public bool LeaderReady => Role == RaftRole.Leader && _commit >= _termStart;

    /// <summary>A leadership transfer is under way (proposals are refused meanwhile).</summary>
    public bool Transferring => _transferTarget is not null;

    /// <summary>The entry at <paramref name="index"/>, if it is in memory.</summary>
    public LogEntry? EntryAt(long index) => index > _log.SnapshotIndex && index <= _log.LastIndex ? _log.At(index) : null;

    public void Tick()
    {
        if (Role == RaftRole.Leader)
        {
            TickLeader();
            return;
        }

        _electionElapsed++;
        if (IsVoter && !Superseded && _electionElapsed >= _randomizedTimeout)
        {
            _electionElapsed = 0;
            StartElection(transfer: false);
        }
    }

    /// <summary>Appends a command; returns its index, or 0 when this node cannot take proposals (not leader, transferring).</summary>
    public long Propose(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Role != RaftRole.Leader || _transferTarget is not null)
        {
            return 0;
        }

        var entry = new LogEntry(_log.LastIndex + 1, Term, EntryKind.Command, data);
        _log.Append(entry);
        BroadcastAppend();
        return entry.Index;
    }

    /// <summary>
    /// Starts a linearizable read (ReadIndex): confirmed by a later <see cref="RaftReady.ReadStates"/> entry with the
    /// index to wait for (at least <paramref name="minIndex"/>, e.g. the last index, for reads that must see writes
    /// acknowledged before they commit), or failed by <see cref="RaftReady.FailedReads"/>. False when not leader.
    /// </summary>
    public bool ReadIndex(long requestId, long minIndex = 0)
    {
        if (Role != RaftRole.Leader)
        {
            return false;
        }

        if (!LeaderReady)
        {
            _readsBeforeCommit.Add((requestId, minIndex));
            return true;
        }

        var index = Math.Max(_commit, minIndex);
        if (Config.Quorum == 1 && Config.IsVoter(Self))
        {
            _readStates.Add(new ReadState(requestId, index));
            return true;
        }

        _reads.Add((++_readSeq, requestId, index));
        if (!_roundInFlight)
        {
            StartReadRound();
        }

        return true;
    }

    /// <summary>
    /// Hands leadership to <paramref name="target"/> (or the most up-to-date voter): it is brought up to date, then
    /// told to campaign at once. False when not leader or no other voter exists.
    /// </summary>
    public bool TransferLeadership(MemberId? target = null)
    {
        if (Role != RaftRole.Leader)
        {
            return false;
        }

        var candidates = Config.Voters.Where(v => v != Self && _progress.ContainsKey(v)).ToList();
        if (candidates.Count == 0)
        {
            return false;
        }

        var chosen = target is { } t && candidates.Contains(t) ? t : candidates.MaxBy(v => _progress[v].Match);
        _transferTarget = chosen;
        _transferElapsed = 0;
        var p = _progress[chosen];
        if (p.Match == _log.LastIndex)
        {
            Send(new RaftMessage { Kind = MessageKind.TimeoutNow, From = Self, To = chosen, Term = Term });
        }
        else
        {
            SendAppend(chosen, p);
        }

        return true;
    }

    /// <summary>
    /// Replaces the log up to <paramref name="index"/> (applied already) by a snapshot of the state machine,
    /// <paramref name="data"/>; the host stores it and drops those entries from storage.
    /// </summary>
    public RaftSnapshot Compact(long index, byte[] data)
    {
        if (index > Applied || index <= _log.SnapshotIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Can compact only to an applied index in ({_log.SnapshotIndex}, {Applied}] (got {index}).");
        }

        var meta = new RaftSnapshotMeta(index, _log.TermAt(index)!.Value, ConfigAt(index));
        _snapshot = new RaftSnapshot(meta, data);
        _log.CompactTo(index);
        _configs.RemoveAll(c => c.Index <= index);
        return _snapshot;
    }

    public bool HasReady =>
        !CurrentHardState.Equals(_savedHard) || _unstableSnapshot is not null || _log.StableIndex < _log.LastIndex
        || Math.Min(_commit, _log.LastIndex) > _handedApplied || _outbox.Count > 0 || _readStates.Count > 0 || _failedReads.Count > 0
        || (Role == RaftRole.Leader && _progress.Any(p => NeedsCommitNotice(p.Value)));

    public RaftReady GetReady()
    {
        if (Role == RaftRole.Leader)
        {
            // Followers learn of a commit index advance at once, in one message each (coalesced per Ready): Appends
            // already waiting carry the latest commit index (a follower takes at most what it has verified), and a
            // member with none waiting gets a heartbeat.
            for (var i = 0; i < _outbox.Count; i++)
            {
                if (_outbox[i] is { Kind: MessageKind.Append } append && append.Term == Term && append.Commit < _commit)
                {
                    _outbox[i] = append with { Commit = _commit };
                    if (_progress.TryGetValue(append.To, out var sent))
                    {
                        sent.SentCommit = Math.Max(sent.SentCommit, Math.Min(_commit, append.PrevIndex + append.Entries.Count));
                    }
                }
            }

            foreach (var (member, p) in _progress)
            {
                if (NeedsCommitNotice(p) && !_outbox.Any(m => m.To == member))
                {
                    SendHeartbeat(member, p);
                }
            }
        }

        var hard = CurrentHardState;
        var committedTo = Math.Min(_commit, _log.LastIndex);
        var ready = new RaftReady
        {
            HardState = hard.Equals(_savedHard) ? null : hard,
            Snapshot = _unstableSnapshot,
            Entries = _log.Unstable(),
            CommittedEntries = committedTo > _handedApplied ? _log.Slice(_handedApplied + 1, committedTo, int.MaxValue, long.MaxValue) : [],
            Messages = [.. _outbox],
            ReadStates = [.. _readStates],
            FailedReads = [.. _failedReads],
        };
        _handedApplied = Math.Max(_handedApplied, committedTo);
        _outbox.Clear();
        _readStates.Clear();
        _failedReads.Clear();
        return ready;
    }

    /// <summary>The host has persisted, sent and applied <paramref name="ready"/>.</summary>
    public void Advance(RaftReady ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (ready.HardState is { } hard)
        {
            _savedHard = hard;
        }

        if (ready.Snapshot is { } snapshot)
        {
            if (ReferenceEquals(_unstableSnapshot, snapshot))
            {
                _unstableSnapshot = null;
            }

            Applied = Math.Max(Applied, snapshot.Meta.Index);
        }

        if (ready.Entries.Count > 0)
        {
            _log.StableTo(ready.Entries[^1].Index, ready.Entries[^1].Term);
        }

        if (ready.CommittedEntries.Count > 0)
        {
            Applied = Math.Max(Applied, ready.CommittedEntries[^1].Index);
        }

        if (Role == RaftRole.Leader)
        {
            // The leader counts itself for what it has stored.
            MaybeCommit();
        }
    }

    public void Step(RaftMessage m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (Superseded || m.To.Replica != Self.Replica || m.From.Replica < 0 || m.From.Replica >= Replicas || m.From == Self)
        {
            return;
        }

        if (m.To.Incarnation > Self.Incarnation || (m.From.Replica == Self.Replica && m.From.Incarnation > Self.Incarnation))
        {
            // Someone knows a newer incarnation of this slot: this node is an orphan. It stops taking part.
            BecomeSuperseded();
            return;
        }

        if (m.From.Replica == Self.Replica)
        {
            return;
        }

        _known[m.From.Replica] = Math.Max(_known[m.From.Replica], m.From.Incarnation);
        if (m.Term > Term)
        {
            switch (m.Kind)
            {
                case MessageKind.PreVote:
                    // Pre-votes never change terms.
                    break;
                case MessageKind.PreVoteResponse when m.Granted:
                    break;
                case MessageKind.Vote when !m.Transfer && InLease:
                    // Leader stickiness: a live leader is not deposed by a candidate that could not reach it.
                    return;
                default:
                    BecomeFollower(m.Term, m.Kind is MessageKind.Append or MessageKind.Snapshot or MessageKind.TimeoutNow ? m.From : null);
                    break;
            }
        }
        else if (m.Term < Term)
        {
            if (m.Kind is MessageKind.Append or MessageKind.Snapshot)
            {
                // A deposed leader learns of the newer term from this answer and steps down.
                Send(new RaftMessage { Kind = MessageKind.AppendResponse, From = Self, To = m.From, Term = Term, RejectedIndex = m.PrevIndex, RejectHint = _log.LastIndex });
            }
            else if (m.Kind == MessageKind.PreVote)
            {
                Send(new RaftMessage { Kind = MessageKind.PreVoteResponse, From = Self, To = m.From, Term = Term, Granted = false });
            }

            return;
        }

        switch (m.Kind)
        {
            case MessageKind.PreVote:
            case MessageKind.Vote:
                HandleVoteRequest(m);
                break;
            case MessageKind.PreVoteResponse:
                if (Role == RaftRole.PreCandidate && m.Term == (m.Granted ? Term + 1 : Term))
                {
                    HandleVoteResponse(m);
                }

                break;
            case MessageKind.VoteResponse:
                if (Role == RaftRole.Candidate && m.Term == Term)
                {
                    HandleVoteResponse(m);
                }

                break;
            case MessageKind.Append:
                FollowLeader(m.From);
                HandleAppend(m);
                break;
            case MessageKind.Snapshot:
                FollowLeader(m.From);
                HandleSnapshot(m);
                break;
            case MessageKind.AppendResponse:
                if (Role == RaftRole.Leader)
                {
                    HandleAppendResponse(m);
                }

                break;
            case MessageKind.SnapshotResponse:
                if (Role == RaftRole.Leader)
                {
                    HandleSnapshotResponse(m);
                }

                break;
            case MessageKind.TimeoutNow:
                if (IsVoter && !Superseded)
                {
                    StartElection(transfer: true);
                }

                break;
        }
    }

    private HardState CurrentHardState => new(Term, VotedFor, _commit);

    /// <summary>A follower that heard from a leader within an election timeout (check-quorum only).</summary>
    private bool InLease => _options.CheckQuorum && Leader is not null && (Leader == Self || _electionElapsed < _options.ElectionTicks);

    private bool IsVoterIn(RaftConfiguration config, MemberId member) =>
        (_options.Faults & RaftFaults.LearnerVotes) != 0
            ? config.Voters.Any(v => v.Replica == member.Replica)
            : config.IsVoter(member);

    private void TickLeader()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_transferTarget is not null && ++_transferElapsed >= _options.ElectionTicks)
        {
            _transferTarget = null;
        }

        if (_electionElapsed >= _options.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_options.CheckQuorum)
            {
                var active = 1 + Config.Voters.Count(v => v != Self && _progress.TryGetValue(v, out var p) && p.RecentActive);
                if (!Config.IsVoter(Self))
                {
                    active--;
                }

                foreach (var p in _progress.Values)
                {
                    p.RecentActive = false;
                }

                if (active < Config.Quorum)
                {
                    BecomeFollower(Term, null);
                    return;
                }
            }
        }

        if (_heartbeatElapsed >= _options.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            foreach (var (member, p) in _progress)
            {
                HeartbeatTo(member, p);
            }
        }

        ManageMembership();
    }

    private void HeartbeatTo(MemberId member, Progress p)
    {
        switch (p.State)
        {
            case ProgressState.Snapshot:
                if (!p.AckedSinceHeartbeat)
                {
                    // No answer since the last heartbeat: the current chunk again (also keeps the member following).
                    SendSnapshot(member, p);
                }

                break;
            case ProgressState.Probe:
                p.ProbeSent = false;
                SendAppend(member, p);
                break;
            default:
                if (p.Inflight > 0 && !p.AckedSinceHeartbeat)
                {
                    // Nothing answered since the last heartbeat: assume the stream was lost and resend it.
                    p.BecomeReplicate();
                    InflightOf(member).Clear();
                    SendAppend(member, p);
                }
                else
                {
                    SendHeartbeat(member, p);
                }

                break;
        }

        p.AckedSinceHeartbeat = false;
    }

    private void StartElection(bool transfer)
    {
        if (_options.PreVote && !transfer)
        {
            Role = RaftRole.PreCandidate;
            Leader = null;
            _granted.Clear();
            _rejected.Clear();
            _granted.Add(Self);
            if (_granted.Count(g => IsVoterIn(Config, g)) >= Config.Quorum)
            {
                Campaign(transfer);
                return;
            }

            foreach (var voter in Config.Voters)
            {
                if (voter != Self)
                {
                    Send(new RaftMessage { Kind = MessageKind.PreVote, From = Self, To = voter, Term = Term + 1, LastLogIndex = _log.LastIndex, LastLogTerm = _log.LastTerm });
                }
            }

            return;
        }

        Campaign(transfer);
    }

    private void Campaign(bool transfer)
    {
        Role = RaftRole.Candidate;
        Term++;
        VotedFor = Self;
        Leader = null;
        _electionElapsed = 0;
        ResetElectionTimeout();
        _granted.Clear();
        _rejected.Clear();
        _granted.Add(Self);
        if (CountVotes(_granted) >= Config.Quorum)
        {
            BecomeLeader();
            return;
        }

        foreach (var voter in Config.Voters)
        {
            if (voter != Self)
            {
                Send(new RaftMessage { Kind = MessageKind.Vote, From = Self, To = voter, Term = Term, LastLogIndex = _log.LastIndex, LastLogTerm = _log.LastTerm, Transfer = transfer });
            }
        }
    }

    private int CountVotes(HashSet<MemberId> votes) =>
        (_options.Faults & RaftFaults.LearnerVotes) != 0
            ? votes.Where(v => IsVoterIn(Config, v)).Select(v => v.Replica).Distinct().Count()
            : votes.Count(Config.IsVoter);

    private void HandleVoteRequest(RaftMessage m)
    {
        var pre = m.Kind == MessageKind.PreVote;
        var upToDate = (_options.Faults & RaftFaults.VoteWithoutLogCheck) != 0
            || m.LastLogTerm > _log.LastTerm || (m.LastLogTerm == _log.LastTerm && m.LastLogIndex >= _log.LastIndex);

        // A vote binds only a voter that remembers it; and it goes only to a voter of this node's configuration.
        var eligible = !Superseded && IsVoterIn(Config, Self) && IsVoterIn(Config, m.From);
        bool grant;
        if (pre)
        {
            grant = eligible && upToDate && m.Term > Term && !InLease;
        }
        else
        {
            var canVote = VotedFor == m.From || (VotedFor is null && Leader is null);
            grant = eligible && upToDate && canVote;
            if (grant)
            {
                VotedFor = m.From;
                _electionElapsed = 0;
            }
        }

        Send(new RaftMessage
        {
            Kind = pre ? MessageKind.PreVoteResponse : MessageKind.VoteResponse,
            From = Self,
            To = m.From,
            Term = pre && grant ? m.Term : Term,
            Granted = grant,
        });
    }

    private void HandleVoteResponse(RaftMessage m)
    {
        if (m.Granted)
        {
            _granted.Add(m.From);
        }
        else
        {
            _rejected.Add(m.From);
        }

        if (CountVotes(_granted) >= Config.Quorum)
        {
            if (Role == RaftRole.PreCandidate)
            {
                Campaign(transfer: false);
            }
            else
            {
                BecomeLeader();
            }
        }
        else if (_rejected.Count(Config.IsVoter) >= Config.Quorum)
        {
            BecomeFollower(Term, null);
        }
    }

    private void BecomeLeader()
    {
        Role = RaftRole.Leader;
        Leader = Self;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _transferTarget = null;
        _progress.Clear();
        _inflight.Clear();
        foreach (var member in Config.Members)
        {
            if (member != Self)
            {
                _progress[member] = new Progress(_log.LastIndex + 1) { RecentActive = true };
            }
        }

        var noop = new LogEntry(_log.LastIndex + 1, Term, EntryKind.Noop, []);
        _log.Append(noop);
        _termStart = noop.Index;
        BroadcastAppend();
    }

    private void BecomeFollower(long term, MemberId? leader)
    {
        if (term > Term)
        {
            Term = term;
            VotedFor = null;
        }

        var wasLeader = Role == RaftRole.Leader;
        Role = RaftRole.Follower;
        Leader = leader;
        _electionElapsed = 0;
        ResetElectionTimeout();
        if (wasLeader || _reads.Count > 0 || _readsBeforeCommit.Count > 0)
        {
            _failedReads.AddRange(_reads.Select(r => r.RequestId));
            _failedReads.AddRange(_readsBeforeCommit.Select(r => r.RequestId));
            _reads.Clear();
            _readsBeforeCommit.Clear();
            _readAcks.Clear();
            _roundInFlight = false;
        }

        _progress.Clear();
        _inflight.Clear();
        _transferTarget = null;
    }

    private void BecomeSuperseded()
    {
        Superseded = true;
        if (Role != RaftRole.Follower)
        {
            BecomeFollower(Term, null);
        }
    }

    private void FollowLeader(MemberId leader)
    {
        if (Role != RaftRole.Follower)
        {
            BecomeFollower(Term, leader);
        }

        Leader = leader;
        _electionElapsed = 0;
    }

    private void HandleAppend(RaftMessage m)
    {
        if (m.PrevIndex < _commit)
        {
            // Everything up to the commit index is agreed already.
            Send(new RaftMessage { Kind = MessageKind.AppendResponse, From = Self, To = m.From, Term = Term, Success = true, MatchIndex = _commit, ReadContext = m.ReadContext });
            return;
        }

        if (!_log.Matches(m.PrevIndex, m.PrevTerm))
        {
            long hint;
            if (m.PrevIndex > _log.LastIndex)
            {
                hint = _log.LastIndex;
            }
            else
            {
                // Skip back over the whole conflicting term at once.
                var conflictTerm = _log.TermAt(m.PrevIndex);
                hint = m.PrevIndex - 1;
                while (hint > _commit && hint > _log.SnapshotIndex && _log.TermAt(hint) == conflictTerm)
                {
                    hint--;
                }
            }

            Send(new RaftMessage { Kind = MessageKind.AppendResponse, From = Self, To = m.From, Term = Term, Success = false, RejectedIndex = m.PrevIndex, RejectHint = hint, ReadContext = m.ReadContext });
            return;
        }

        var lastNew = m.PrevIndex + m.Entries.Count;
        for (var i = 0; i < m.Entries.Count; i++)
        {
            var entry = m.Entries[i];
            if (entry.Index <= _log.LastIndex)
            {
                if (_log.TermAt(entry.Index) == entry.Term)
                {
                    continue;
                }

                if (entry.Index <= _commit)
                {
                    throw new InvalidOperationException($"Raft safety violated: {Self} asked to overwrite committed entry {entry.Index} (commit {_commit}).");
                }

                TruncateFrom(entry.Index);
            }

            for (var j = i; j < m.Entries.Count; j++)
            {
                AppendEntry(m.Entries[j]);
            }

            break;
        }

        var commit = Math.Min(m.Commit, lastNew);
        if (commit > _commit)
        {
            _commit = commit;
        }

        Send(new RaftMessage { Kind = MessageKind.AppendResponse, From = Self, To = m.From, Term = Term, Success = true, MatchIndex = lastNew, ReadContext = m.ReadContext });
    }

    private void AppendEntry(LogEntry entry)
    {
        _log.Append(entry);
        if (entry.Kind == EntryKind.Config)
        {
            _configs.Add((entry.Index, entry.Config!));
            SetConfig(entry.Config!);
        }
    }

    private void TruncateFrom(long index)
    {
        _log.TruncateFrom(index);
        if (_configs.RemoveAll(c => c.Index >= index) > 0)
        {
            SetConfig(_configs.Count > 0 ? _configs[^1].Config : _snapshot.Meta.Config);
        }
    }

    private RaftConfiguration ConfigAt(long index)
    {
        var config = _snapshot.Meta.Config;
        foreach (var (i, c) in _configs)
        {
            if (i <= index)
            {
                config = c;
            }
        }

        return config;
    }

    private void SetConfig(RaftConfiguration config)
    {
        Config = config;
        foreach (var member in config.Members)
        {
            if (member.Replica != Self.Replica)
            {
                _known[member.Replica] = Math.Max(_known[member.Replica], member.Incarnation);
            }
        }

        if (Role != RaftRole.Leader)
        {
            return;
        }

        foreach (var member in config.Members)
        {
            if (member != Self && !_progress.ContainsKey(member))
            {
                _progress[member] = new Progress(_log.LastIndex + 1) { RecentActive = true };
            }
        }

        foreach (var gone in _progress.Keys.Where(k => !config.IsMember(k)).ToList())
        {
            _progress.Remove(gone);
            _inflight.Remove(gone);
        }
    }

    private void HandleSnapshot(RaftMessage m)
    {
        var meta = m.SnapshotMeta!;
        if (meta.Index <= _commit || _log.Matches(meta.Index, meta.Term))
        {
            // Nothing to install: this log has the snapshot's entries (or more, committed).
            if (meta.Index > _commit)
            {
                _commit = meta.Index;
            }

            _incoming = null;
            Send(new RaftMessage { Kind = MessageKind.SnapshotResponse, From = Self, To = m.From, Term = Term, Success = true, MatchIndex = Math.Max(meta.Index, _commit), PrevIndex = meta.Index });
            return;
        }

        if (_incoming is not { } incoming || incoming.Index != meta.Index || incoming.From != m.From || incoming.Term != m.Term)
        {
            if (m.Offset != 0)
            {
                Send(new RaftMessage { Kind = MessageKind.SnapshotResponse, From = Self, To = m.From, Term = Term, Offset = 0, PrevIndex = meta.Index });
                return;
            }

            incoming = _incoming = new IncomingSnapshot(m.From, m.Term, meta.Index);
        }

        if (m.Offset != incoming.Data.Length)
        {
            Send(new RaftMessage { Kind = MessageKind.SnapshotResponse, From = Self, To = m.From, Term = Term, Offset = incoming.Data.Length, PrevIndex = meta.Index });
            return;
        }

        incoming.Data.Write(m.Chunk);
        if (!m.Done)
        {
            Send(new RaftMessage { Kind = MessageKind.SnapshotResponse, From = Self, To = m.From, Term = Term, Offset = incoming.Data.Length, PrevIndex = meta.Index });
            return;
        }

        _incoming = null;
        var snapshot = new RaftSnapshot(meta, incoming.Data.ToArray());
        _snapshot = snapshot;
        _unstableSnapshot = snapshot;
        _log.ResetTo(meta.Index, meta.Term);
        _configs.Clear();
        SetConfig(meta.Config);
        _commit = meta.Index;
        _handedApplied = meta.Index;
        Send(new RaftMessage { Kind = MessageKind.SnapshotResponse, From = Self, To = m.From, Term = Term, Success = true, MatchIndex = meta.Index, PrevIndex = meta.Index });
    }

    private void HandleAppendResponse(RaftMessage m)
    {
        if (!_progress.TryGetValue(m.From, out var p))
        {
            return;
        }

        p.RecentActive = true;
        if (_roundInFlight && m.ReadContext >= _roundSeq && m.ReadContext > 0)
        {
            _readAcks.Add(m.From);
            ConfirmReads();
        }

        if (m.Success)
        {
            if (m.MatchIndex > p.Match)
            {
                // Only progress counts as an answer to the stream: a heartbeat answered at the old match while the
                // Appends after it were lost would otherwise hide the loss forever once nothing new is proposed.
                p.AckedSinceHeartbeat = true;
                p.Match = m.MatchIndex;
                p.Next = Math.Max(p.Next, p.Match + 1);
                var inflight = InflightOf(m.From);
                while (inflight.Count > 0 && inflight.Peek() <= p.Match)
                {
                    inflight.Dequeue();
                }

                p.Inflight = inflight.Count;
                if (p.State == ProgressState.Probe)
                {
                    p.BecomeReplicate();
                    inflight.Clear();
                }

                MaybeCommit();
                if (_transferTarget == m.From && p.Match == _log.LastIndex)
                {
                    Send(new RaftMessage { Kind = MessageKind.TimeoutNow, From = Self, To = m.From, Term = Term });
                }
            }
            else if (p.State == ProgressState.Probe)
            {
                p.BecomeReplicate();
                InflightOf(m.From).Clear();
            }

            if (Role == RaftRole.Leader)
            {
                SendPipelined(m.From, p);
            }

            return;
        }

        var stale = p.State == ProgressState.Replicate ? m.RejectedIndex <= p.Match : m.RejectedIndex != p.Next - 1;
        if (stale || p.State == ProgressState.Snapshot)
        {
            return;
        }

        p.State = ProgressState.Probe;
        p.Next = Math.Max(p.Match + 1, Math.Min(m.RejectHint + 1, m.RejectedIndex));
        p.Inflight = 0;
        p.ProbeSent = false;
        InflightOf(m.From).Clear();
        SendAppend(m.From, p);
    }

    private void HandleSnapshotResponse(RaftMessage m)
    {
        if (!_progress.TryGetValue(m.From, out var p))
        {
            return;
        }

        p.RecentActive = true;
        p.AckedSinceHeartbeat = true;
        if (p.State != ProgressState.Snapshot || m.PrevIndex != p.SnapshotIndex)
        {
            if (m.Success && m.MatchIndex > p.Match)
            {
                p.Match = m.MatchIndex;
                p.Next = Math.Max(p.Next, p.Match + 1);
                MaybeCommit();
            }

            return;
        }

        if (m.Success)
        {
            p.Match = Math.Max(p.Match, m.MatchIndex);
            p.Sending = null;
            p.BecomeProbe();
            MaybeCommit();
            SendAppend(m.From, p);
            return;
        }

        p.SnapshotOffset = m.Offset;
        SendSnapshot(m.From, p);
    }

    private void MaybeCommit()
    {
        if (Role != RaftRole.Leader || Config.Voters.Count == 0)
        {
            return;
        }

        var matches = Config.Voters.Select(MatchOf).OrderByDescending(x => x).ToList();
        var quorumIndex = matches[Config.Quorum - 1];
        if (quorumIndex <= _commit)
        {
            return;
        }

        // Only an entry of the leader's own term commits by counting replicas (Figure 8 of the Raft paper).
        if (_log.TermAt(quorumIndex) != Term)
        {
            return;
        }

        var wasReady = LeaderReady;
        _commit = quorumIndex;
        if (!wasReady && LeaderReady && _readsBeforeCommit.Count > 0)
        {
            var queued = _readsBeforeCommit.ToList();
            _readsBeforeCommit.Clear();
            foreach (var (requestId, minIndex) in queued)
            {
                ReadIndex(requestId, minIndex);
            }
        }
    }

    private bool NeedsCommitNotice(Progress p) =>
        p.State != ProgressState.Snapshot && p.SentCommit < Math.Min(_commit, p.Match);

    private void StartReadRound()
    {
        _roundSeq = _readSeq;
        _roundInFlight = true;
        _readAcks.Clear();
        if (Config.IsVoter(Self))
        {
            _readAcks.Add(Self);
        }

        foreach (var (member, p) in _progress)
        {
            if (Config.IsVoter(member))
            {
                SendHeartbeat(member, p);
            }
        }
    }

    private void ConfirmReads()
    {
        if (_readAcks.Count(Config.IsVoter) < Config.Quorum)
        {
            return;
        }

        foreach (var read in _reads.Where(r => r.Seq <= _roundSeq).ToList())
        {
            _readStates.Add(new ReadState(read.RequestId, read.Index));
            _reads.Remove(read);
        }

        _roundInFlight = false;
        _readAcks.Clear();
        if (_reads.Count > 0)
        {
            StartReadRound();
        }
    }

    private void BroadcastAppend()
    {
        foreach (var (member, p) in _progress)
        {
            if (p.State == ProgressState.Replicate)
            {
                SendPipelined(member, p);
            }
            else if (p.State == ProgressState.Probe && !p.ProbeSent)
            {
                SendAppend(member, p);
            }
        }
    }

    /// <summary>A streaming member gets what it lacks, in as many Appends as the in-flight window allows.</summary>
    private void SendPipelined(MemberId member, Progress p)
    {
        while (p.State == ProgressState.Replicate && p.Next <= _log.LastIndex && p.Inflight < _options.MaxInflight)
        {
            SendAppend(member, p);
        }
    }

    private void SendAppend(MemberId to, Progress p)
    {
        var prev = p.Next - 1;
        if (_log.TermAt(prev) is not { } prevTerm)
        {
            SendSnapshot(to, p);
            return;
        }

        var entries = _log.Slice(p.Next, _log.LastIndex, _options.MaxEntriesPerMessage, _options.MaxBytesPerMessage);
        Send(new RaftMessage
        {
            Kind = MessageKind.Append,
            From = Self,
            To = to,
            Term = Term,
            PrevIndex = prev,
            PrevTerm = prevTerm,
            Entries = entries,
            Commit = _commit,
            ReadContext = _roundInFlight ? _roundSeq : 0,
        });
        p.SentCommit = Math.Max(p.SentCommit, Math.Min(_commit, prev + entries.Count));
        if (p.State == ProgressState.Replicate && entries.Count > 0)
        {
            p.Next = entries[^1].Index + 1;
            InflightOf(to).Enqueue(entries[^1].Index);
            p.Inflight = InflightOf(to).Count;
        }
        else if (p.State == ProgressState.Probe)
        {
            p.ProbeSent = true;
        }
    }

    /// <summary>An empty Append at the member's match index: keeps leadership, carries the commit index and a read context.</summary>
    private void SendHeartbeat(MemberId to, Progress p)
    {
        if (p.State != ProgressState.Replicate || _log.TermAt(p.Match) is not { } matchTerm)
        {
            if (p.State == ProgressState.Snapshot)
            {
                return;
            }

            p.ProbeSent = false;
            SendAppend(to, p);
            return;
        }

        Send(new RaftMessage
        {
            Kind = MessageKind.Append,
            From = Self,
            To = to,
            Term = Term,
            PrevIndex = p.Match,
            PrevTerm = matchTerm,
            Commit = _commit,
            ReadContext = _roundInFlight ? _roundSeq : 0,
        });
        p.SentCommit = Math.Max(p.SentCommit, Math.Min(_commit, p.Match));
    }

    private void SendSnapshot(MemberId to, Progress p)
    {
        if (p.State != ProgressState.Snapshot || p.Sending is null)
        {
            p.State = ProgressState.Snapshot;
            p.Sending = _snapshot;
            p.SnapshotOffset = 0;
            InflightOf(to).Clear();
            p.Inflight = 0;
        }

        var snapshot = p.Sending;
        var data = snapshot.Data;
        var offset = (int)Math.Min(p.SnapshotOffset, data.Length);
        var length = Math.Min(_options.SnapshotChunkBytes, data.Length - offset);
        Send(new RaftMessage
        {
            Kind = MessageKind.Snapshot,
            From = Self,
            To = to,
            Term = Term,
            SnapshotMeta = snapshot.Meta,
            Offset = offset,
            Chunk = data.AsSpan(offset, length).ToArray(),
            Done = offset + length >= data.Length,
            Commit = _commit,
        });
    }

    /// <summary>
    /// The leader's membership upkeep, one change at a time and only once it has committed an entry of its term:
    /// a slot heard from under a newer incarnation gets that incarnation as a learner in place of the old member;
    /// a learner that has every committed entry becomes a voter.
    /// </summary>
    private void ManageMembership()
    {
        if (!LeaderReady || _transferTarget is not null || (_configs.Count > 0 && _configs[^1].Index > _commit))
        {
            return;
        }

        for (var r = 0; r < Replicas; r++)
        {
            if (r == Self.Replica)
            {
                continue;
            }

            var member = Config.MemberOf(r);
            if ((member is null && _known[r] > 0) || (member is { } m && _known[r] > m.Incarnation))
            {
                ProposeConfig(Config.Replace(member, new MemberId(r, _known[r])));
                return;
            }
        }

        foreach (var learner in Config.Learners)
        {
            if (_progress.TryGetValue(learner, out var p) && p.Match >= _commit && p.RecentActive)
            {
                ProposeConfig(Config.Promote(learner));
                return;
            }
        }
    }

    private void ProposeConfig(RaftConfiguration config)
    {
        var entry = new LogEntry(_log.LastIndex + 1, Term, EntryKind.Config, [], config);
        AppendEntry(entry);
        BroadcastAppend();
    }

    private Queue<long> InflightOf(MemberId member)
    {
        if (!_inflight.TryGetValue(member, out var queue))
        {
            queue = new Queue<long>();
            _inflight[member] = queue;
        }

        return queue;
    }

    private void ResetElectionTimeout() =>
        _randomizedTimeout = _options.ElectionTicks + _random.Next(_options.ElectionTicks);

    private void Send(RaftMessage message) => _outbox.Add(message);

    private sealed class IncomingSnapshot(MemberId from, long term, long index)
    {
        public MemberId From { get; } = from;

        public long Term { get; } = term;

        public long Index { get; } = index;

        public MemoryStream Data { get; } = new();
    }
}
