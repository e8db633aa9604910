using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.ClusterTests.Harness;
using Platform.ClusterTests.History;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Replication;

/// <summary>
/// The replication fault suite on memory storage, where replication alone keeps the acknowledged writes; it adds the
/// runs that depend on the ack level or read consistency rather than on the storage: the SIGKILL at <c>ack=all</c>,
/// the count of <c>ack=leader</c> writes a SIGKILL loses, and session and eventual reads.
/// </summary>
[Collection(MemoryReplicationCollection.Name)]
public sealed class MemoryReplicationFaultTests(MemoryThreeSiloCluster cluster, ITestOutputHelper output) : ReplicationFaultTests(cluster, output)
{
    /// <summary>As the SIGKILL run at <c>majority</c>, with <c>ack=all</c>: writes wait for the replacement, none acknowledged is lost.</summary>
    [Fact]
    public Task SigKill_of_the_leaders_silo_at_ack_all_loses_no_acknowledged_write() => KillTheLeadersSiloAsync("all");

    /// <summary>
    /// <c>ack=leader</c> acknowledges before any follower has a write, so a SIGKILL of the leader's silo can lose
    /// acknowledged writes: the run counts them (the figure docs/replication.md quotes). It asserts only that the
    /// workload ran and that nothing but those writes went wrong.
    /// </summary>
    [Fact]
    public Task Ack_leader_counts_the_acknowledged_writes_a_SigKill_loses() => Cluster.RunAsync(Output, async () =>
    {
        var run = await StartRunAsync("lead", "leader", registers: false, writers: 8);
        await run.WarmUpAsync(minimumAcks: 200);
        var killed = Stopwatch.GetTimestamp();
        Cluster.KillSilo(run.Victim);
        await run.WaitForSuccessesAfterAsync(killed, "the SIGKILL", registers: false);
        await run.StopAsync();
        var lost = await run.ReadBackAsync(mustKeep: false);
        var onVictim = run.AckedOn(run.Shard);
        Output.WriteLine($"ack=leader: {lost.Count} of {run.AckedCount} acknowledged writes lost ({onVictim} of them on the killed leader's group)");
        foreach (var l in lost.Take(10))
        {
            Output.WriteLine("lost " + l);
        }

        Assert.True(run.AckedCount > 100, $"only {run.AckedCount} writes acknowledged");
        Assert.Empty(await CheckLogsAsync(run.Namespace, run.Shards));
    });

    /// <summary>
    /// Session reads always see the client's own writes and never go back, through a SIGKILL of a leader's silo;
    /// eventual reads may be stale, and the run reports the largest staleness seen, in versions and milliseconds.
    /// </summary>
    [Fact]
    public Task Session_reads_see_own_writes_and_never_go_back() => Cluster.RunAsync(Output, async () =>
    {
        await Cluster.EnsureHealthyAsync();
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
        Cluster.KillSilo(victim);
        Output.WriteLine($"SIGKILL {Cluster.Silos[victim]} (leader of shard 0) after {sessionReads} session reads");
        var before = Interlocked.Read(ref sessionReads);
        await Eventually.Until(() => workload.Check(() => Interlocked.Read(ref sessionReads) >= before + 300), "300 more session reads after the kill", LoadTimeout);
        await workload.StopAsync();
        Output.WriteLine($"{sessionReads} session reads, {violations.Count} went back; {eventualReads} eventual reads, largest staleness seen {staleVersions} versions, {staleMs} ms behind the acknowledgement");
        Assert.Empty(violations);
    });
}
