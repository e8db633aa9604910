using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Platform.ClusterTests.Harness;
using Platform.ClusterTests.History;
using Platform.ClusterTests.Linearizability;
using Platform.Sharding;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Replication;

/// <summary>
/// Replicated namespaces on real silo processes under the nemesis: SIGKILL of the silo hosting a group's leader
/// (with <c>ack=majority</c>, <c>all</c> and <c>leader</c>), SIGSTOP of it past the election timeout and resumed, and
/// an iptables partition of it, while Jepsen's register workload (strong reads, blind writes, compare-and-set) runs on
/// keys of that group and writers create distinct keys across every shard. Checked: each key's history is
/// linearizable, every write acknowledged at <c>majority</c> or <c>all</c> reads back, no term had two leaders and
/// committed entries agree across the replicas' logs, the group returns to full strength (a replacement caught up by
/// snapshot) once the silo is back, and how many <c>ack=leader</c> writes were lost. The same suite runs on memory
/// storage and on Azure Table storage (one subclass each, one three-silo cluster per collection).
/// </summary>
public abstract class ReplicationFaultTests(ProcessCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(90);

    private ITestOutputHelper Output => output;

    private ProcessCluster Cluster => cluster;

    /// <summary>
    /// SIGKILL of the silo hosting a group's leader under the register workload and writers: a new leader is elected
    /// among the survivors, the history is linearizable, every acknowledged write reads back, the logs agree, and when
    /// the silo restarts the group is whole again (three voters on three silos).
    /// </summary>
    [Theory]
    [InlineData("majority")]
    [InlineData("all")]
    public Task SigKill_of_the_leaders_silo_loses_no_acknowledged_write_and_stays_linearizable(string ack) => cluster.RunAsync(output, async () =>
    {
        var run = await StartRunAsync($"kill-{ack}", ack);
        await run.WarmUpAsync();
        var killed = Stopwatch.GetTimestamp();
        var killedAt = run.Clock.Elapsed;
        cluster.KillSilo(run.Victim);
        output.WriteLine($"SIGKILL {cluster.Silos[run.Victim]} at {killedAt.TotalSeconds:F2} s: it hosts the leader of shard {run.Shard} ({string.Join(", ", run.Keys)})");

        var failover = await run.WaitForSuccessesAfterAsync(killed, "the SIGKILL");
        output.WriteLine($"first acknowledged write on the victim's group {(failover - killedAt).TotalSeconds:F2} s after the kill");
        await run.StopAsync();

        var failures = run.CheckRegisters();
        failures.AddRange(run.FaultMattered(killed, "the SIGKILL"));
        failures.AddRange(await run.ReadBackAsync(mustKeep: true));

        await cluster.RestartSiloAsync(run.Victim);
        var whole = await WaitWholeAsync(run.Namespace);
        output.WriteLine($"whole again after the restart: {Describe(whole)}");
        failures.AddRange(await CheckLogsAsync(run.Namespace, run.Shards));
        Assert.Empty(failures);
    });

    /// <summary>
    /// SIGSTOP of the leader's silo for longer than the election timeout, then SIGCONT: the others elect a new leader;
    /// the resumed one may still believe it leads, but cannot acknowledge a write or confirm a strong read in its old
    /// term. The history is linearizable and every acknowledged write reads back.
    /// </summary>
    [Fact]
    public Task SigStop_of_the_leader_past_the_election_timeout_stays_linearizable() => cluster.RunAsync(output, async () =>
    {
        var run = await StartRunAsync("stop", "majority");
        await run.WarmUpAsync();
        var paused = Stopwatch.GetTimestamp();
        cluster.PauseSilo(run.Victim);
        output.WriteLine($"SIGSTOP {cluster.Silos[run.Victim]} at {run.Clock.Elapsed.TotalSeconds:F2} s");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        cluster.ResumeSilo(run.Victim);
        output.WriteLine($"SIGCONT at {run.Clock.Elapsed.TotalSeconds:F2} s");
        await run.WaitForSuccessesAfterAsync(paused, "the SIGSTOP");
        await run.StopAsync();

        var failures = run.CheckRegisters();
        failures.AddRange(run.FaultMattered(paused, "the SIGSTOP"));
        failures.AddRange(await run.ReadBackAsync(mustKeep: true));
        failures.AddRange(await CheckLogsAsync(run.Namespace, run.Shards));
        Assert.Empty(failures);
    });

    /// <summary>
    /// The leader's silo cut off by iptables (no packet to or from its silo and gateway ports) for 2.5 s, then
    /// reconnected: a new leader is elected on the majority side; the history is linearizable and every acknowledged
    /// write reads back.
    /// </summary>
    [Fact]
    public Task Partition_of_the_leaders_silo_stays_linearizable() => cluster.RunAsync(output, async () =>
    {
        Assert.True(NetworkPartition.IsSupported, NetworkPartition.UnsupportedReason);
        var run = await StartRunAsync("part", "majority");
        await run.WarmUpAsync();
        var cut = Stopwatch.GetTimestamp();
        using (NetworkPartition.Isolate(cluster.Silos[run.Victim]))
        {
            output.WriteLine($"partitioned {cluster.Silos[run.Victim]} at {run.Clock.Elapsed.TotalSeconds:F2} s");
            await Task.Delay(TimeSpan.FromSeconds(2.5));
        }

        output.WriteLine($"healed at {run.Clock.Elapsed.TotalSeconds:F2} s");
        await run.WaitForSuccessesAfterAsync(cut, "the partition");
        await run.StopAsync();

        var failures = run.CheckRegisters();
        failures.AddRange(await run.ReadBackAsync(mustKeep: true));
        failures.AddRange(await CheckLogsAsync(run.Namespace, run.Shards));
        Assert.Empty(failures);
    });

    /// <summary>
    /// <c>ack=leader</c> acknowledges before any follower has a write, so a SIGKILL of the leader's silo can lose
    /// acknowledged writes: the run counts them (the figure docs/replication.md quotes). It asserts only that the
    /// workload ran and that nothing but those writes went wrong.
    /// </summary>
    [Fact]
    public Task Ack_leader_counts_the_acknowledged_writes_a_SigKill_loses() => cluster.RunAsync(output, async () =>
    {
        var run = await StartRunAsync("lead", "leader", registers: false, writers: 8);
        await run.WarmUpAsync(minimumAcks: 200);
        var killed = Stopwatch.GetTimestamp();
        cluster.KillSilo(run.Victim);
        await run.WaitForSuccessesAfterAsync(killed, "the SIGKILL", registers: false);
        await run.StopAsync();
        var lost = await run.ReadBackAsync(mustKeep: false);
        var onVictim = run.AckedOn(run.Shard);
        output.WriteLine($"ack=leader: {lost.Count} of {run.AckedCount} acknowledged writes lost ({onVictim} of them on the killed leader's group)");
        foreach (var l in lost.Take(10))
        {
            output.WriteLine("lost " + l);
        }

        Assert.True(run.AckedCount > 100, $"only {run.AckedCount} writes acknowledged");
        Assert.Empty(await CheckLogsAsync(run.Namespace, run.Shards));
    });

    /// <summary>
    /// Session reads always see the client's own writes and never go back, through a SIGKILL of a leader's silo;
    /// eventual reads may be stale, and the run reports the largest staleness seen, in versions and milliseconds.
    /// </summary>
    [Fact]
    public Task Session_reads_see_own_writes_and_never_go_back() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var api = Client();
        var ns = NewNamespace("sess");
        (await Client(PlatformApiRetry.Bounded(8)).CreateReplicatedNamespaceAsync(ns, 3, 3)).ExpectSuccess();
        await WaitLeadersAsync(ns);
        var clock = Stopwatch.StartNew();
        var violations = new ConcurrentQueue<string>();
        var latest = new ConcurrentDictionary<string, (long Version, TimeSpan At)>(StringComparer.Ordinal);
        long sessionReads = 0, eventualReads = 0, staleVersions = 0, staleMs = 0;
        await using var workload = new ClientWorkload();
        for (var c = 0; c < 4; c++)
        {
            var client = c;
            workload.Start(async stop =>
            {
                string? session = null;
                var mine = new Dictionary<string, long>(StringComparer.Ordinal);
                var random = new Random(client);
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var key = $"c{client}-{random.Next(5)}";
                    var put = await api.PutKeyAsync(ns, key, $"{client}:{i}", new KeyValueConditions { Session = session }, CancellationToken.None);
                    if (put.IsSuccess)
                    {
                        session = put.Header("Platform-Session") ?? session;
                        mine[key] = put.Version!.Value;
                        latest[key] = (put.Version.Value, clock.Elapsed);
                    }

                    foreach (var (k, version) in mine)
                    {
                        var read = await api.GetKeyAsync(ns, k, new KeyValueConditions { Consistency = "session", Session = session }, CancellationToken.None);
                        if (read.IsSuccess)
                        {
                            Interlocked.Increment(ref sessionReads);
                            if (read.Version < version)
                            {
                                violations.Enqueue($"client {client} read {k} at version {read.Version} from {read.Header("Platform-Replica")} (applied {read.Header("Platform-Replica-Applied-Index")}) after seeing {version}; session {session}");
                            }

                            mine[k] = Math.Max(version, read.Version ?? 0);
                            session = read.Header("Platform-Session") ?? session;
                        }
                    }

                    var other = $"c{(client + 1) % 4}-{random.Next(5)}";
                    var seen = latest.TryGetValue(other, out var l) ? l : default;
                    var eventual = await api.GetKeyAsync(ns, other, new KeyValueConditions { Consistency = "eventual" }, CancellationToken.None);
                    if (eventual.IsSuccess && seen.Version > 0)
                    {
                        Interlocked.Increment(ref eventualReads);
                        var behind = seen.Version - (eventual.Version ?? 0);
                        if (behind > 0)
                        {
                            InterlockedMax(ref staleVersions, behind);
                            InterlockedMax(ref staleMs, (long)(clock.Elapsed - seen.At).TotalMilliseconds);
                        }
                    }
                }
            });
        }

        await Eventually.Until(() => workload.Check(() => Interlocked.Read(ref sessionReads) >= 200), "200 session reads", LoadTimeout);
        var victim = await LeaderSiloAsync(ns, 0);
        cluster.KillSilo(victim);
        output.WriteLine($"SIGKILL {cluster.Silos[victim]} (leader of shard 0) after {sessionReads} session reads");
        var before = Interlocked.Read(ref sessionReads);
        await Eventually.Until(() => workload.Check(() => Interlocked.Read(ref sessionReads) >= before + 300), "300 more session reads after the kill", LoadTimeout);
        await workload.StopAsync();
        output.WriteLine($"{sessionReads} session reads, {violations.Count} went back; {eventualReads} eventual reads, largest staleness seen {staleVersions} versions, {staleMs} ms behind the acknowledgement");
        Assert.Empty(violations);
    });

    /// <summary>The API as the fault tests' clients use it: a 15 s client timeout per attempt (above the 5 s write timeout), optionally with bounded retries.</summary>
    private PlatformApiClient Client(Polly.ResiliencePipeline<HttpResponseMessage>? retry = null) =>
        cluster.Api.With(new PlatformApiClientOptions { Retry = retry, RequestTimeout = TimeSpan.FromSeconds(15) });

    private static string NewNamespace(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static void InterlockedMax(ref long target, long value)
    {
        for (var current = Interlocked.Read(ref target); value > current; current = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }

    private async Task<Run> StartRunAsync(string name, string ack, bool registers = true, int writers = 2)
    {
        await cluster.EnsureHealthyAsync();
        await WaitSystemGroupWholeAsync();
        var setup = Client(PlatformApiRetry.Bounded(8));
        var ns = NewNamespace(name);
        const int Shards = 4;
        (await setup.CreateReplicatedNamespaceAsync(ns, Shards, 3, ack)).ExpectSuccess();

        // A fault is injected into a whole group only: a group squeezed onto two silos (created while a silo
        // restarted) would lose its majority with one of them, which no replication promises to survive.
        await WaitWholeAsync(ns);

        // The group under test is shard 0's; its keys are the first names that hash there.
        var keys = new List<string>();
        var ring = new HashRing(Shards);
        for (var i = 0; keys.Count < 3; i++)
        {
            if (ring.ShardFor($"r{i}") == 0)
            {
                keys.Add($"r{i}");
            }
        }

        var victim = await LeaderSiloAsync(ns, 0);
        var run = new Run(this, ns, Shards, 0, victim, keys, ring);
        run.Start(registers ? 4 : 0, writers);
        return run;
    }

    /// <summary>
    /// On memory storage, namespace settings live in the system replica group: a fault is injected only once it is whole
    /// again after the previous test's (a second silo lost while it still had two replicas on one silo would lose its
    /// majority, and every namespace with it).
    /// </summary>
    private async Task WaitSystemGroupWholeAsync()
    {
        if (cluster.Options.Storage != "Memory")
        {
            return;
        }

        await using var logs = await ReplicaLogs.ConnectAsync(cluster);
        await Eventually.Until(
            async _ => await logs.StatusAsync(Platform.Replication.ReplicaId.SystemGroup, 3),
            ReplicaLogs.IsWhole,
            "the system replica group whole: a leader and three caught-up voters on three silos",
            new EventuallyOptions
            {
                Timeout = TimeSpan.FromSeconds(120),
                Describe = v => v is IReadOnlyList<Platform.Replication.ReplicaStatus?> statuses
                    ? string.Join(" | ", statuses.Select(x => x is null ? "no answer" : $"{x.Replica}.{x.Incarnation} {x.Role} t{x.Term} voter {x.Voter} a{x.AppliedIndex} {x.Silo}"))
                    : "none",
            });
    }

    private async Task WaitLeadersAsync(string ns) =>
        await Eventually.Until(
            async ct => (await cluster.Api.GetShardMapAsync(ns, cancellationToken: ct)).Value,
            m => m is not null && m.Items.All(s => s.Leader is not null),
            $"every group of {ns} has a leader",
            new EventuallyOptions { Timeout = cluster.Options.MembershipTimeout, RetryOn = ex => ex is PlatformApiException });

    /// <summary>The slot of the silo hosting the leader of <paramref name="shard"/>.</summary>
    private async Task<int> LeaderSiloAsync(string ns, int shard)
    {
        var map = (await cluster.Api.GetShardMapAsync(ns)).Ok();
        var leader = map.Items[shard].Replicas!.Single(r => r.Role == "leader");
        return cluster.Silos.Single(s => ClusterView.AddressHasPort(leader.Silo!, s.SiloPort)).Index;
    }

    /// <summary>Waits until every group is whole: three voters, no learner, none lagging, on three distinct silos.</summary>
    private async Task<ShardMap> WaitWholeAsync(string ns) =>
        (await Eventually.Until(
            async ct => (await cluster.Api.GetShardMapAsync(ns, cancellationToken: ct)).Value,
            m => m is not null && m.Items.All(s => s.Degraded is null && s.Replicas!.All(r => r.Voter && r.Lag == 0) && s.Replicas!.Select(r => r.Silo).Distinct().Count() == 3),
            $"every group of {ns} whole again: three caught-up voters on three silos",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(120), RetryOn = ex => ex is PlatformApiException, Describe = m => m is ShardMap map ? Describe(map) : "no shard map" }))!;

    private static string Describe(ShardMap map) => string.Join("; ", map.Items.Select(s =>
        $"shard {s.Shard} t{s.Term}: " + string.Join(" ", s.Replicas!.Select(r => $"{r.Replica}.{r.Incarnation}:{r.Role}@{r.Silo?.Split('@')[0]} a{r.AppliedIndex}")) + (s.Degraded is { } d ? $" ({d})" : "")));

    /// <summary>Every group's replica logs: no term led by two members, committed entries equal wherever two replicas have them.</summary>
    private async Task<List<string>> CheckLogsAsync(string ns, int shards)
    {
        await using var logs = await ReplicaLogs.ConnectAsync(cluster);
        var failures = new List<string>();
        var generation = (await cluster.Api.GetNamespaceAsync(ns)).Ok().Generation;
        for (var shard = 0; shard < shards; shard++)
        {
            var group = new ShardId(ns, generation, shard);
            var dumps = await logs.GroupAsync(group, 3);
            failures.AddRange(ReplicaLogs.Check(group.ToGrainKey(), dumps));
            output.WriteLine($"logs of {group}: {string.Join(", ", dumps.Select(d => $"{d.Replica}.{d.Incarnation} commit {d.CommitIndex} snapshot {d.SnapshotIndex} led [{string.Join(",", d.LedTerms)}]"))}");
        }

        return failures;
    }

    /// <summary>One run: the namespace, the victim and the workload recording what happened.</summary>
    private sealed class Run(ReplicationFaultTests test, string ns, int shards, int shard, int victim, IReadOnlyList<string> keys, HashRing ring)
    {
        private readonly ConcurrentQueue<(string Key, string Value, TimeSpan Sent, TimeSpan At)> _acked = new();
        private readonly ConcurrentQueue<string> _unknown = new();
        private readonly ClientWorkload _workload = new();
        private int _registerClients;

        public string Namespace => ns;

        public int Shards => shards;

        public int Shard => shard;

        public int Victim => victim;

        public IReadOnlyList<string> Keys => keys;

        public RegisterWorkload Registers { get; } = new(ns, keys);

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public int AckedCount => _acked.Count;

        public int AckedOn(int group) => _acked.Count(a => ring.ShardFor(a.Key) == group);

        public void Start(int registerClients, int writers)
        {
            _registerClients = registerClients;
            var kv = test.Client();
            for (var c = 0; c < registerClients; c++)
            {
                var client = c;
                _workload.Start(stop => Registers.RunClientAsync(client, kv, readOnly: false, stop));
            }

            for (var w = 0; w < writers; w++)
            {
                var writer = w;
                _workload.Start(async stop =>
                {
                    for (var seq = 0; !stop.IsCancellationRequested; seq++)
                    {
                        var key = string.Create(CultureInfo.InvariantCulture, $"w{writer}-{seq:D5}");
                        var value = string.Create(CultureInfo.InvariantCulture, $"{key}@{Clock.ElapsedMilliseconds}");
                        var sent = Clock.Elapsed;
                        var r = await kv.PutKeyAsync(ns, key, value, cancellationToken: CancellationToken.None);
                        if (r is { Status: 201, Version: 1 })
                        {
                            _acked.Enqueue((key, value, sent, Clock.Elapsed));
                        }
                        else if (ApiOutcome.IsUnknown(r))
                        {
                            _unknown.Enqueue($"{key}: {r}");
                        }
                        else
                        {
                            throw ApiOutcome.Unexpected(r, $"create {key}", "a first write of a fresh key answers 201 with ETag \"1\" or (unknown) 502/503/504/no answer");
                        }
                    }
                });
            }
        }

        public Task WarmUpAsync(int minimumAcks = 20) =>
            Eventually.Until(
                () => _workload.Check(() => (_registerClients == 0 || Registers.Completed >= 60) && _acked.Count >= minimumAcks),
                $"60 register operations and {minimumAcks} acknowledged writes before the fault",
                LoadTimeout,
                () => $"{Registers.Completed} register operations, {_acked.Count} acknowledged writes, {_unknown.Count} unknown");

        /// <summary>Waits for register operations on every key and acknowledged writes on the victim's group after the fault; returns when the first such write was acknowledged.</summary>
        public async Task<TimeSpan> WaitForSuccessesAfterAsync(long faultAt, string fault, bool registers = true)
        {
            var faultElapsed = Clock.Elapsed - Stopwatch.GetElapsedTime(faultAt);
            await Eventually.Until(
                () => _workload.Check(() =>
                    (!registers || _registerClients == 0 || keys.All(k => FaultEvidence.SucceededAfter(Registers.History.Operations().Where(o => o.Key == k), faultAt).Count >= 5))
                    && _acked.Count(a => a.Sent > faultElapsed && ring.ShardFor(a.Key) == shard) >= 10),
                $"5 register operations on each key and 10 acknowledged writes on shard {shard} sent after {fault}",
                LoadTimeout,
                () => $"{_acked.Count(a => a.Sent > faultElapsed && ring.ShardFor(a.Key) == shard)} writes on shard {shard} sent after {fault}");
            return _acked.Where(a => a.Sent > faultElapsed && ring.ShardFor(a.Key) == shard).Min(a => a.At);
        }

        public async Task StopAsync()
        {
            await _workload.StopAsync();
            if (_registerClients > 0)
            {
                await Registers.ReadEveryKeyAsync(99, test.Client(PlatformApiRetry.Bounded(8)));
            }

            test.Output.WriteLine($"{_acked.Count} writes acknowledged, {_unknown.Count} with unknown outcome; {Registers.Completed} register operations");
        }

        /// <summary>Reads every acknowledged write back (strong); returns those that are gone or changed.</summary>
        public async Task<List<string>> ReadBackAsync(bool mustKeep)
        {
            var lost = new ConcurrentQueue<string>();
            var api = test.Client(PlatformApiRetry.Bounded(8));
            await Parallel.ForEachAsync(_acked, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (a, ct) =>
            {
                var r = await api.GetKeyAsync(ns, a.Key, new KeyValueConditions { Consistency = "strong" }, ct);
                if (!r.IsSuccess || r.Text != a.Value)
                {
                    lost.Enqueue($"{a.Key} acknowledged at {a.At.TotalSeconds:F2} s with '{a.Value}', read back {r}");
                }
            });
            if (mustKeep)
            {
                test.Output.WriteLine($"read back: {_acked.Count - lost.Count} of {_acked.Count}; lost {lost.Count}");
            }

            return [.. lost];
        }

        public List<string> CheckRegisters()
        {
            var failures = new List<string>();
            if (_registerClients == 0)
            {
                return failures;
            }

            var historyFile = Path.Combine(test.Cluster.LogDirectory, $"history-{ns}.txt");
            Directory.CreateDirectory(test.Cluster.LogDirectory);
            Registers.History.WriteTo(historyFile);
            foreach (var key in keys)
            {
                var ops = Registers.OperationsFor(key);
                var result = LinearizabilityChecker.Check(new RegisterModel(), ops);
                var all = Registers.History.Operations().Where(o => o.Key == key).ToList();
                test.Output.WriteLine($"{key}: {all.Count} operations ({all.Count(o => o.Succeeded)} ok, {all.Count(o => o.IsIndeterminate)} unknown; {ops.Count} checked): {result}");
                if (!result.IsLinearizable)
                {
                    failures.Add($"{key}: {result} (history in {historyFile})");
                }
            }

            return failures;
        }

        /// <summary>The fault touched the keys: operations on them were in flight across it.</summary>
        public List<string> FaultMattered(long faultAt, string fault)
        {
            var across = FaultEvidence.InFlightAcross(Registers.History.Operations(), faultAt);
            test.Output.WriteLine($"in flight across {fault}: {across.Count} register operations");
            return across.Count == 0 ? [$"no operation on the victim group's keys was in flight across {fault}"] : [];
        }
    }

}
