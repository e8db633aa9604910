using System.Diagnostics;
using Platform.ClusterTests.Harness;
using Platform.ClusterTests.History;
using Platform.ClusterTests.Linearizability;
using Platform.Sharding;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Replication;

/// <summary>
/// The machinery of the replication fault tests: a replicated namespace, a group under test (shard 0's), Jepsen's
/// register workload on its keys and writers creating distinct keys everywhere, and the checks (linearizability,
/// read-back of acknowledged writes, the replicas' logs, the group whole again).
/// </summary>
public abstract class ReplicationFaultTestBase(ProcessCluster cluster, ITestOutputHelper output)
{
    protected static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(90);

    protected ITestOutputHelper Output => output;

    protected ProcessCluster Cluster => cluster;

    /// <summary>Replicas per group, of the namespaces under test and of the system group (memory storage).</summary>
    protected virtual int Replicas => 3;

    /// <summary>The API as the fault tests' clients use it: a 15 s client timeout per attempt (above the 5 s write timeout), optionally with bounded retries.</summary>
    protected PlatformApiClient Client(Polly.ResiliencePipeline<HttpResponseMessage>? retry = null) =>
        cluster.Api.With(new PlatformApiClientOptions { Retry = retry, RequestTimeout = TimeSpan.FromSeconds(15) });

    protected static string NewNamespace(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    protected static void InterlockedMax(ref long target, long value)
    {
        for (var current = Interlocked.Read(ref target); value > current; current = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }

    protected async Task<Run> StartRunAsync(string name, string ack, bool registers = true, int writers = 2)
    {
        await cluster.EnsureHealthyAsync();
        await WaitSystemGroupWholeAsync();
        var setup = Client(PlatformApiRetry.Bounded(8));
        var ns = NewNamespace(name);
        const int Shards = 4;
        (await setup.CreateReplicatedNamespaceAsync(ns, Shards, Replicas, ack)).ExpectSuccess();

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
    protected async Task WaitSystemGroupWholeAsync()
    {
        if (cluster.Options.Storage != "Memory")
        {
            return;
        }

        await using var logs = await ReplicaLogs.ConnectAsync(cluster);
        await Eventually.Until(
            async _ => await logs.StatusAsync(Platform.Replication.ReplicaId.SystemGroup, Replicas),
            ReplicaLogs.IsWhole,
            $"the system replica group whole: a leader and {Replicas} caught-up voters on {Replicas} silos",
            new EventuallyOptions
            {
                Timeout = TimeSpan.FromSeconds(120),
                Describe = v => v is IReadOnlyList<Platform.Replication.ReplicaStatus?> statuses
                    ? string.Join(" | ", statuses.Select(x => x is null ? "no answer" : $"{x.Replica}.{x.Incarnation} {x.Role} t{x.Term} voter {x.Voter} a{x.AppliedIndex} {x.Silo}"))
                    : "none",
            });
    }

    protected async Task WaitLeadersAsync(string ns) =>
        await Eventually.Until(
            async ct => (await cluster.Api.GetShardMapAsync(ns, cancellationToken: ct)).Value,
            m => m is not null && m.Items.All(s => s.Leader is not null),
            $"every group of {ns} has a leader",
            new EventuallyOptions { Timeout = cluster.Options.MembershipTimeout, RetryOn = ex => ex is PlatformApiException });

    /// <summary>The slot of the silo hosting the leader of <paramref name="shard"/>.</summary>
    protected async Task<int> LeaderSiloAsync(string ns, int shard)
    {
        var map = (await cluster.Api.GetShardMapAsync(ns)).Ok();
        var leader = map.Items[shard].Replicas!.Single(r => r.Role == "leader");
        return cluster.Silos.Single(s => ClusterView.AddressHasPort(leader.Silo!, s.SiloPort)).Index;
    }

    /// <summary>Waits until every group is whole: <see cref="Replicas"/> voters, no learner, none lagging, each on a silo of its own.</summary>
    protected async Task<ShardMap> WaitWholeAsync(string ns) =>
        (await Eventually.Until(
            async ct => (await cluster.Api.GetShardMapAsync(ns, cancellationToken: ct)).Value,
            m => m is not null && m.Items.All(s => s.Degraded is null && s.Replicas!.All(r => r.Voter && r.Lag == 0) && s.Replicas!.Select(r => r.Silo).Distinct().Count() == Replicas),
            $"every group of {ns} whole again: {Replicas} caught-up voters on {Replicas} silos",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(120), RetryOn = ex => ex is PlatformApiException, Describe = m => m is ShardMap map ? Describe(map) : "no shard map" }))!;

    protected static string Describe(ShardMap map) => string.Join("; ", map.Items.Select(s =>
        $"shard {s.Shard} t{s.Term}: " + string.Join(" ", s.Replicas!.Select(r => $"{r.Replica}.{r.Incarnation}:{r.Role}@{r.Silo?.Split('@')[0]} a{r.AppliedIndex}")) + (s.Degraded is { } d ? $" ({d})" : "")));

    /// <summary>Every group's replica logs: no term led by two members, committed entries equal wherever two replicas have them.</summary>
    protected async Task<List<string>> CheckLogsAsync(string ns, int shards)
    {
        await using var logs = await ReplicaLogs.ConnectAsync(cluster);
        var failures = new List<string>();
        var generation = (await cluster.Api.GetNamespaceAsync(ns)).Ok().Generation;
        for (var shard = 0; shard < shards; shard++)
        {
            var group = new ShardId(ns, generation, shard);
            var dumps = await logs.GroupAsync(group, Replicas);
            failures.AddRange(ReplicaLogs.Check(group.ToGrainKey(), dumps));
            output.WriteLine($"logs of {group}: {string.Join(", ", dumps.Select(d => $"{d.Replica}.{d.Incarnation} commit {d.CommitIndex} snapshot {d.SnapshotIndex} led [{string.Join(",", d.LedTerms)}]"))}");
        }

        return failures;
    }

    /// <summary>One run: the namespace, the victim and the workload recording what happened.</summary>
    protected sealed class Run(ReplicationFaultTestBase test, string ns, int shards, int shard, int victim, IReadOnlyList<string> keys, HashRing ring)
    {
        private readonly ClientWorkload _workload = new();
        private readonly DistinctKeyWriters _writers = new(ns);
        private int _registerClients;

        public string Namespace => ns;

        public int Shards => shards;

        public int Shard => shard;

        public int Victim => victim;

        public IReadOnlyList<string> Keys => keys;

        public RegisterWorkload Registers { get; } = new(ns, keys);

        public Stopwatch Clock => _writers.Clock;

        public int AckedCount => _writers.Acked.Count;

        public int AckedOn(int group) => _writers.Acked.Count(a => ring.ShardFor(a.Key) == group);

        public void Start(int registerClients, int writers)
        {
            _registerClients = registerClients;
            var kv = test.Client();
            for (var c = 0; c < registerClients; c++)
            {
                var client = c;
                _workload.Start(stop => Registers.RunClientAsync(client, kv, readOnly: false, stop));
            }

            _writers.Start(_workload, kv, writers);
        }

        public Task WarmUpAsync(int minimumAcks = 20) =>
            Eventually.Until(
                () => _workload.Check(() => (_registerClients == 0 || Registers.Completed >= 60) && _writers.Acked.Count >= minimumAcks),
                $"60 register operations and {minimumAcks} acknowledged writes before the fault",
                LoadTimeout,
                () => $"{Registers.Completed} register operations, {_writers.Acked.Count} acknowledged writes, {_writers.Unknown.Count} unknown");

        /// <summary>Waits for register operations on every key and acknowledged writes on the victim's group after the fault; returns when the first such write was acknowledged.</summary>
        public async Task<TimeSpan> WaitForSuccessesAfterAsync(long faultAt, string fault, bool registers = true)
        {
            var faultElapsed = Clock.Elapsed - Stopwatch.GetElapsedTime(faultAt);
            await Eventually.Until(
                () => _workload.Check(() =>
                    (!registers || _registerClients == 0 || keys.All(k => FaultEvidence.SucceededAfter(Registers.History.Operations().Where(o => o.Key == k), faultAt).Count >= 5))
                    && _writers.Acked.Count(a => a.Sent > faultElapsed && ring.ShardFor(a.Key) == shard) >= 10),
                $"5 register operations on each key and 10 acknowledged writes on shard {shard} sent after {fault}",
                LoadTimeout,
                () => $"{_writers.Acked.Count(a => a.Sent > faultElapsed && ring.ShardFor(a.Key) == shard)} writes on shard {shard} sent after {fault}");
            return _writers.Acked.Where(a => a.Sent > faultElapsed && ring.ShardFor(a.Key) == shard).Min(a => a.At);
        }

        public async Task StopAsync()
        {
            await _workload.StopAsync();
            if (_registerClients > 0)
            {
                await Registers.ReadEveryKeyAsync(99, test.Client(PlatformApiRetry.Bounded(8)));
            }

            test.Output.WriteLine($"{_writers.Acked.Count} writes acknowledged, {_writers.Unknown.Count} with unknown outcome; {Registers.Completed} register operations");
        }

        /// <summary>Reads every acknowledged write back (strong); returns those that are gone or changed.</summary>
        public async Task<List<string>> ReadBackAsync(bool mustKeep)
        {
            var lost = await _writers.ReadBackAsync(test.Client(PlatformApiRetry.Bounded(8)), new KeyValueConditions { Consistency = "strong" });
            if (mustKeep)
            {
                test.Output.WriteLine($"read back: {_writers.Acked.Count - lost.Count} of {_writers.Acked.Count}; lost {lost.Count}");
            }

            return lost;
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
