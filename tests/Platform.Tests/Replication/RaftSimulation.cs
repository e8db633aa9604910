using System.Buffers.Binary;
using Platform.Replication.Raft;

namespace Platform.Tests.Replication;

/// <summary>
/// A seeded, deterministic world for <see cref="RaftNode"/>s: a lossy, reordering network with partitions, nodes
/// that crash and restart from what they persisted, nodes that lose their state and come back as a new incarnation,
/// and orphans (an old incarnation still running, heard but no longer addressed, as Orleans can briefly leave one).
/// It checks Raft's safety properties as it goes and records the first violation.
/// </summary>
internal sealed class RaftSimulation
{
    private readonly Random _random;
    private readonly RaftOptions _options;
    private readonly Slot[] _slots;
    private readonly List<(long At, RaftMessage Message)> _network = [];
    private readonly Dictionary<long, MemberId> _leaders = [];
    private readonly Dictionary<long, (long Term, long Command)> _committed = [];
    private readonly List<Sim> _orphans = [];
    private readonly Dictionary<(MemberId Node, long RequestId), long> _readFloors = [];
    private readonly int[] _side;
    private long _step;
    private long _nextCommand = 1;
    private long _nextRequest = 1;
    private long _lastProgress;
    private long _maxCommit;
    private double _dropRate;
    private bool _quiet;
    private bool _liveAfterCalm;
    private readonly long[] _snapshotChunkAt;

    public RaftSimulation(int seed, int replicas, RaftFaults faults = RaftFaults.None)
    {
        Seed = seed;
        _random = new Random(seed);
        _options = new RaftOptions
        {
            ElectionTicks = 10,
            HeartbeatTicks = 2,
            MaxEntriesPerMessage = 2 + _random.Next(8),
            MaxInflight = 1 + _random.Next(8),
            SnapshotChunkBytes = 64 + _random.Next(512),
            PreVote = _random.Next(4) != 0,
            CheckQuorum = _random.Next(4) != 0,
            Faults = faults,
        };
        _slots = new Slot[replicas];
        _side = new int[replicas];
        _snapshotChunkAt = new long[replicas];
        for (var r = 0; r < replicas; r++)
        {
            _slots[r] = new Slot(r);
            _slots[r].Current = NewIncarnation(r);
        }
    }

    public int Seed { get; }

    /// <summary>The first safety violation seen, or null.</summary>
    public string? Violation { get; private set; }

    public long CommittedCount => _committed.Count;

    public long Elections => _leaders.Count;

    public int StatelessCrashes { get; private set; }

    public int Restarts { get; private set; }

    public int SnapshotsInstalled { get; private set; }

    public int ReadsConfirmed { get; private set; }

    /// <summary>
    /// Runs <paramref name="steps"/> steps with faults, then <paramref name="calm"/> steps healed and fault-free, then
    /// <paramref name="quiet"/> steps with no new proposal (where only heartbeats can bring a lagging member up).
    /// </summary>
    public RaftSimulation Run(int steps, int calm, int quiet = 0, Action<string>? trace = null)
    {
        for (var i = 0; i < steps && Violation is null; i++)
        {
            Step(faults: true);
        }

        if (Violation is null)
        {
            Heal();
        }

        for (var i = 0; i < calm && Violation is null; i++)
        {
            Step(faults: false);
            if (trace is not null && i % 20 == 0)
            {
                trace($"-- calm step {i}\n{Describe()}");
            }
        }

        _liveAfterCalm = _step - _lastProgress < 100;
        _quiet = true;
        for (var i = 0; i < quiet && Violation is null; i++)
        {
            Step(faults: false);
        }

        if (Violation is null)
        {
            CheckLogMatching();
        }

        return this;
    }

    /// <summary>
    /// Whether every running member holds and knows committed all of the leader's log, or is still being sent a
    /// snapshot (liveness without new writes: a lost Append must be sent again even when nothing new is proposed).
    /// </summary>
    public bool CaughtUp()
    {
        var leader = _slots.Select(s => s.Current).OfType<Sim>().SingleOrDefault(n => n.Node.Role == RaftRole.Leader);
        // A member still being sent a snapshot (chunk by chunk, one per round trip) counts while chunks keep coming.
        return leader is not null && _slots.All(s => s.Current is { } n
            && ((n.Node.LastIndex == leader.Node.LastIndex && n.Node.Commit == leader.Node.Commit) || _step - _snapshotChunkAt[s.Index] <= 20));
    }

    /// <summary>Each running node's view, for failure messages.</summary>
    public string Describe() => string.Join("\n", Nodes().Select(n =>
        $"{n.Node.Self}: {n.Node.Role} t{n.Node.Term} leader {n.Node.Leader} voted {n.Node.VotedFor} commit {n.Node.Commit} last {n.Node.LastIndex}/{n.Node.LastTerm} " +
        $"snap {n.Node.SnapshotIndex} {n.Node.Config} superseded {n.Node.Superseded} progress [{string.Join(", ", n.Node.Progress.Select(p => $"{p.Key}:{p.Value.State}/{p.Value.Match}/{p.Value.Next}"))}]"));

    /// <summary>Whether the group, healed and fault-free, kept committing until the end of the calm phase (liveness, for the report).</summary>
    public bool Live() => _liveAfterCalm;

    private IEnumerable<Sim> Nodes() => _slots.Select(s => s.Current).OfType<Sim>().Concat(_orphans);

    private void Step(bool faults)
    {
        _step++;
        if (faults)
        {
            Fault();
        }

        // Deliver what is due, in random order (reordering).
        var due = _network.Where(x => x.At <= _step).ToList();
        _network.RemoveAll(x => x.At <= _step);
        Shuffle(due);
        foreach (var (_, message) in due)
        {
            Deliver(message);
        }

        foreach (var sim in Nodes().ToList())
        {
            if (_random.NextDouble() < 0.9)
            {
                sim.Node.Tick();
            }
        }

        if (!_quiet && _random.NextDouble() < 0.4)
        {
            var leaders = Nodes().Where(n => n.Node.Role == RaftRole.Leader).ToList();
            if (leaders.Count > 0)
            {
                var leader = leaders[_random.Next(leaders.Count)];
                var data = new byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(data, _nextCommand++);
                leader.Node.Propose(data);
            }
        }

        if (_random.NextDouble() < 0.15)
        {
            var leaders = Nodes().Where(n => n.Node.Role == RaftRole.Leader).ToList();
            if (leaders.Count > 0)
            {
                var leader = leaders[_random.Next(leaders.Count)];
                var request = _nextRequest++;

                // A linearizable read must see every entry committed anywhere before it started.
                var floor = Nodes().Max(n => n.Node.Commit);
                if (leader.Node.ReadIndex(request))
                {
                    _readFloors[(leader.Node.Self, request)] = floor;
                }
            }
        }

        foreach (var sim in Nodes().ToList())
        {
            Process(sim);
        }

        var commit = Nodes().Select(n => n.Node.Commit).DefaultIfEmpty(0).Max();
        if (commit > _maxCommit)
        {
            _maxCommit = commit;
            _lastProgress = _step;
        }

        if (_step % 64 == 0)
        {
            CheckLogMatching();
        }
    }

    private void Fault()
    {
        var roll = _random.NextDouble();
        if (roll < 0.006)
        {
            // Partition: each slot to one of two sides.
            for (var r = 0; r < _side.Length; r++)
            {
                _side[r] = _random.Next(2);
            }
        }
        else if (roll < 0.014)
        {
            Array.Clear(_side);
        }
        else if (roll < 0.020)
        {
            _dropRate = _random.NextDouble() < 0.5 ? 0 : _random.NextDouble() * 0.3;
        }
        else if (roll < 0.026)
        {
            // Crash with durable state: the process dies, its storage survives.
            var slot = _slots[_random.Next(_slots.Length)];
            if (slot.Current is not null)
            {
                slot.Down = slot.Current;
                slot.Current = null;
            }
        }
        else if (roll < 0.040)
        {
            // Restart a crashed node from its storage: same incarnation.
            var slot = _slots[_random.Next(_slots.Length)];
            if (slot.Current is null && slot.Down is { } down)
            {
                slot.Current = Restart(down);
                slot.Down = null;
                Restarts++;
            }
        }
        else if (roll < 0.046)
        {
            // Lose the state (memory storage): a new incarnation takes the slot; at most a minority of voters at once.
            var slot = _slots[_random.Next(_slots.Length)];
            if (CanLoseState(slot.Index))
            {
                slot.Down = null;
                slot.Current = NewIncarnation(slot.Index);
                StatelessCrashes++;
            }
        }
        else if (roll < 0.049)
        {
            // An orphan: the old incarnation keeps running (and sending), but its slot's messages go to a new one.
            var slot = _slots[_random.Next(_slots.Length)];
            if (slot.Current is { } old && CanLoseState(slot.Index))
            {
                _orphans.Add(old);
                slot.Current = NewIncarnation(slot.Index);
                StatelessCrashes++;
            }
        }
        else if (roll < 0.052 && _orphans.Count > 0)
        {
            _orphans.RemoveAt(_random.Next(_orphans.Count));
        }
        else if (roll < 0.056)
        {
            var leader = Nodes().FirstOrDefault(n => n.Node.Role == RaftRole.Leader);
            leader?.Node.TransferLeadership();
        }
    }

    /// <summary>
    /// A slot may lose its state only when the group is whole again (every slot's current incarnation a voter in
    /// every running node's configuration, none down) and the group has at least three voters: losing one then leaves
    /// a majority of the voters with their state, which is what Raft promises to survive.
    /// </summary>
    private bool CanLoseState(int replica)
    {
        if (_slots.Length < 3 || _slots.Any(s => s.Current is null))
        {
            return false;
        }

        var current = _slots.Select(s => s.Current!.Node.Self).ToList();
        return _slots.All(s => current.All(s.Current!.Node.Config.IsVoter) && s.Current!.Node.Config.Voters.Count == _slots.Length)
            && _slots[replica].Current is not null;
    }

    private void Heal()
    {
        Array.Clear(_side);
        _dropRate = 0;
        foreach (var slot in _slots)
        {
            if (slot.Current is null)
            {
                slot.Current = slot.Down is { } down ? Restart(down) : NewIncarnation(slot.Index);
                slot.Down = null;
            }
        }

        _orphans.Clear();
    }

    private void Deliver(RaftMessage message)
    {
        var to = _slots[message.To.Replica];
        var target = to.Current;

        // Now and then the directory still points at an orphan of the slot.
        if (_orphans.Count > 0 && _random.NextDouble() < 0.1)
        {
            target = _orphans.FirstOrDefault(o => o.Node.Self.Replica == message.To.Replica) ?? target;
        }

        if (target is null || _side[message.From.Replica] != _side[message.To.Replica])
        {
            return;
        }

        if (message.Kind == MessageKind.Snapshot)
        {
            _snapshotChunkAt[message.To.Replica] = _step;
        }

        target.Node.Step(message);
    }

    private void Send(RaftMessage message)
    {
        if (_random.NextDouble() < _dropRate)
        {
            return;
        }

        // Quiet, the network is as a healthy cluster's: every answer arrives before the next heartbeat.
        var delay = _quiet ? 1 : _random.NextDouble() < 0.05 ? 5 + _random.Next(15) : 1 + _random.Next(3);
        _network.Add((_step + delay, message));
        if (!_quiet && _random.NextDouble() < 0.02)
        {
            _network.Add((_step + delay + _random.Next(5), message));
        }
    }

    private void Process(Sim sim)
    {
        while (sim.Node.HasReady && Violation is null)
        {
            var ready = sim.Node.GetReady();
            var store = sim.Store;
            if (ready.Snapshot is { } snapshot)
            {
                store.Snapshot = snapshot;
                store.Entries.Clear();
                sim.Applied = DecodeApplied(snapshot.Data);
                SnapshotsInstalled++;
            }

            if (ready.Entries.Count > 0)
            {
                store.Entries.RemoveAll(e => e.Index >= ready.Entries[0].Index);
                store.Entries.AddRange(ready.Entries);
            }

            if (ready.HardState is { } hard)
            {
                store.Hard = hard;
            }

            foreach (var message in ready.Messages)
            {
                Send(message);
            }

            foreach (var entry in ready.CommittedEntries)
            {
                Apply(sim, entry);
            }

            foreach (var read in ready.ReadStates)
            {
                ReadsConfirmed++;
                if (_readFloors.Remove((sim.Node.Self, read.RequestId), out var floor) && read.Index < floor)
                {
                    Fail($"read {read.RequestId} at {sim.Node.Self} (term {sim.Node.Term}) confirmed index {read.Index}, below {floor} committed before it started");
                }
            }

            sim.Node.Advance(ready);
            CheckLeader(sim);

            if (sim.Node.Applied - sim.Node.SnapshotIndex >= 12 && _random.NextDouble() < 0.1)
            {
                var snap = sim.Node.Compact(sim.Node.Applied, EncodeApplied(sim.Applied));
                store.Snapshot = snap;
                store.Entries.RemoveAll(e => e.Index <= snap.Meta.Index);
            }
        }

        CheckLeader(sim);
    }

    private void Apply(Sim sim, LogEntry entry)
    {
        var command = entry.Kind == EntryKind.Command ? BinaryPrimitives.ReadInt64LittleEndian(entry.Data) : -(long)entry.Kind;
        if (_committed.TryGetValue(entry.Index, out var known))
        {
            if (known.Term != entry.Term || known.Command != command)
            {
                Fail($"{sim.Node.Self} applied {entry.Index}/{entry.Term} cmd {command}, but {entry.Index}/{known.Term} cmd {known.Command} was applied elsewhere");
            }
        }
        else
        {
            _committed[entry.Index] = (entry.Term, command);
        }

        sim.Applied.Add((entry.Index, entry.Term, command));
    }

    private void CheckLeader(Sim sim)
    {
        var node = sim.Node;
        if (node.Role != RaftRole.Leader)
        {
            return;
        }

        if (_leaders.TryGetValue(node.Term, out var other))
        {
            if (other != node.Self)
            {
                Fail($"two leaders in term {node.Term}: {other} and {node.Self}");
            }

            return;
        }

        _leaders[node.Term] = node.Self;

        // Leader completeness: a new leader's log holds every entry committed so far.
        foreach (var (index, (term, _)) in _committed)
        {
            if (index <= node.SnapshotIndex)
            {
                continue;
            }

            if (index > node.LastIndex || node.EntryAt(index)?.Term != term)
            {
                Fail($"leader {node.Self} of term {node.Term} lacks committed entry {index}/{term} (its log ends at {node.LastIndex})");
                return;
            }
        }
    }

    /// <summary>Log matching: two logs with an entry of the same index and term agree on every entry up to it.</summary>
    private void CheckLogMatching()
    {
        var nodes = Nodes().ToList();
        for (var a = 0; a < nodes.Count && Violation is null; a++)
        {
            for (var b = a + 1; b < nodes.Count && Violation is null; b++)
            {
                var x = nodes[a].Node;
                var y = nodes[b].Node;
                var from = Math.Max(x.SnapshotIndex, y.SnapshotIndex) + 1;
                var to = Math.Min(x.LastIndex, y.LastIndex);
                var agreed = false;
                for (var i = to; i >= from; i--)
                {
                    var ex = x.EntryAt(i)!;
                    var ey = y.EntryAt(i)!;
                    if (ex.Term == ey.Term)
                    {
                        agreed = true;
                    }

                    if (agreed && (ex.Term != ey.Term || ex.Kind != ey.Kind || !ex.Data.AsSpan().SequenceEqual(ey.Data) || !Equals(ex.Config, ey.Config)))
                    {
                        Fail($"logs of {x.Self} and {y.Self} agree at a later index but differ at {i}: {ex.Term}/{ex.Kind} vs {ey.Term}/{ey.Kind}");
                    }
                }
            }
        }
    }

    private Sim NewIncarnation(int replica)
    {
        var slot = _slots[replica];
        var self = new MemberId(replica, ++slot.LastIncarnation);
        var sim = new Sim(new RaftNode(self, _slots.Length, _options, new Random(_random.Next())), new Store(), []);
        return sim;
    }

    private Sim Restart(Sim down)
    {
        var store = down.Store;
        var persisted = new RaftPersistedState(store.Hard, store.Snapshot, [.. store.Entries]);
        var node = new RaftNode(down.Node.Self, _slots.Length, _options, new Random(_random.Next()), persisted);
        return new Sim(node, store, store.Snapshot is { } s ? DecodeApplied(s.Data) : []);
    }

    private void Fail(string what) =>
        Violation ??= $"seed {Seed}, step {_step}: {what}";

    private void Shuffle<T>(List<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private static byte[] EncodeApplied(List<(long Index, long Term, long Command)> applied)
    {
        var bytes = new byte[applied.Count * 24];
        for (var i = 0; i < applied.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 24), applied[i].Index);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan((i * 24) + 8), applied[i].Term);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan((i * 24) + 16), applied[i].Command);
        }

        return bytes;
    }

    private static List<(long Index, long Term, long Command)> DecodeApplied(byte[] bytes)
    {
        var applied = new List<(long, long, long)>(bytes.Length / 24);
        for (var i = 0; i + 24 <= bytes.Length; i += 24)
        {
            applied.Add((BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i)), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i + 8)), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i + 16))));
        }

        return applied;
    }

    private sealed class Slot(int index)
    {
        public int Index { get; } = index;

        public long LastIncarnation { get; set; }

        public Sim? Current { get; set; }

        /// <summary>A crashed node whose storage survives, to restart.</summary>
        public Sim? Down { get; set; }
    }

    private sealed class Store
    {
        public HardState Hard { get; set; }

        public RaftSnapshot? Snapshot { get; set; }

        public List<LogEntry> Entries { get; } = [];
    }

    private sealed record Sim(RaftNode Node, Store Store, List<(long Index, long Term, long Command)> Applied)
    {
        public List<(long Index, long Term, long Command)> Applied { get; set; } = Applied;
    }
}
