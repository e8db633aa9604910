using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Platform.ClusterTests.Harness;
using Platform.ClusterTests.History;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Replication;

/// <summary>
/// Quorum and multi-leader namespaces on three silo processes with memory storage (the shared memory cluster, its
/// anti-entropy every second): quorum W=2, R=2 through a SIGKILL (every acknowledged write reads back, quorum reads
/// never go back over the recorded history), a replica's silo cut off in both directions by iptables while quorum
/// writes go on at W=2, at <c>all</c> and at <c>one</c> (writes at all are refused while it is away; hints and
/// anti-entropy repair what it missed until the replicas are identical by Merkle root; no acknowledged write is
/// lost), and a CRDT counter incremented by 8 clients through a partition (every replica ends at the sum of the
/// acknowledged increments).
/// </summary>
[Collection(MemoryReplicationCollection.Name)]
public sealed class LeaderlessFaultTests(MemoryThreeSiloCluster cluster, ITestOutputHelper output) : LeaderlessFaultTestBase(cluster, output)
{
    [Fact]
    public Task Quorum_w2_r2_through_a_SigKill_reads_back_every_acknowledged_write_and_quorum_reads_never_go_back() => Cluster.RunAsync(Output, async () =>
    {
        await QuorumHistoryThroughAsync("qkill", () =>
        {
            Cluster.KillSilo(1);
            Output.WriteLine("SIGKILL of silo 1");
            return Task.CompletedTask;
        });
        await Cluster.RestartSiloAsync(1);
    });

    [Fact]
    public Task A_replica_cut_off_both_ways_misses_writes_that_hints_and_anti_entropy_repair_and_writes_at_all_are_refused_meanwhile() => Cluster.RunAsync(Output, async () =>
    {
        Assert.True(NetworkPartition.IsSupported, NetworkPartition.UnsupportedReason);
        await Cluster.EnsureHealthyAsync();
        await WaitSystemGroupWholeAsync();
        var ns = NewNamespace("qpart");
        var api = Client(PlatformApiRetry.Bounded(8));
        (await api.SendJsonAsync(HttpMethod.Put, $"/v1/namespaces/{ns}", new { shards = 2, replication = new { mode = "quorum", replicas = 3, w = 2, r = 2 } })).ExpectSuccess();
        await WaitSpreadAsync(ns);

        // Writes through a client host whose only gateway is silo 0: the cut-off silo is a replica, not the way in.
        using var pinned = await Cluster.StartPinnedClientHostAsync(0);
        var writer = pinned.Api.With(new PlatformApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(15) });
        var acked = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var next = 0;

        // Warm up: the pinned host resolves the namespace and silo 0 learns where all six replicas live (directory
        // lookups of a grain whose directory range the cut-off silo owns would otherwise wait for membership).
        for (var i = 0; i < 20; i++)
        {
            var key = $"p-{Interlocked.Increment(ref next)}";
            (await writer.PutKeyAsync(ns, key, "warm")).ExpectSuccess();
            acked[key] = "warm";
        }

        var before = acked.Count;
        long allAcked = 0, allRefused = 0, oneAcked = 0;
        HttpStatusCode? firstAll = null;
        var clock = Stopwatch.StartNew();
        using (NetworkPartition.Isolate(Cluster.Silos[2]))
        {
            // 8 writers at the namespace's W=2, one at `all` (W=3: every group has a replica on the cut-off silo), one at `one`.
            async Task WriteAsync(string? level)
            {
                while (clock.Elapsed < TimeSpan.FromSeconds(2.5))
                {
                    var i = Interlocked.Increment(ref next);
                    var key = $"p-{i}";
                    var put = await writer.PutKeyAsync(ns, key, $"v{i}", level is null ? null : new KeyValueConditions { Consistency = level });
                    if (put.IsSuccess)
                    {
                        acked[key] = $"v{i}";
                    }

                    if (level == "all")
                    {
                        Interlocked.Increment(ref put.IsSuccess ? ref allAcked : ref allRefused);
                        firstAll ??= put.StatusCode;
                    }
                    else if (level == "one" && put.IsSuccess)
                    {
                        Interlocked.Increment(ref oneAcked);
                    }
                }
            }

            await Task.WhenAll([.. Enumerable.Range(0, 8).Select(_ => WriteAsync(null)), WriteAsync("all"), WriteAsync("one")]);
        }

        var healed = Stopwatch.StartNew();
        Output.WriteLine($"{acked.Count - before} of {next - before} writes acknowledged while silo 2 was cut off both ways ({allAcked} of {allAcked + allRefused} at all, the first answered {firstAll}; {oneAcked} at one); healed");
        Assert.True(acked.Count - before > 10, $"only {acked.Count - before} writes acknowledged during the partition");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, firstAll);
        Assert.True(allRefused > 0 && oneAcked > 0, $"at all {allAcked} acknowledged and {allRefused} refused; at one {oneAcked} acknowledged");

        var map = await WaitConvergedAsync(ns,
            m => m.GetProperty("items").EnumerateArray().Sum(s => s.GetProperty("keys").GetInt64()) is var keys && keys >= acked.Count && keys <= next,
            $"every replica of {ns} holds the {acked.Count} acknowledged keys (of {next} sent) with one Merkle root per shard");
        var repairs = Repairs(map);
        Output.WriteLine($"identical by Merkle root {healed.Elapsed.TotalSeconds:F1} s after the heal; {string.Join(", ", repairs.Select(r => $"{r.Key} {r.Value}"))}");

        // The cut-off replicas heard nothing during the cut, so what they hold now came from the mechanisms: keys they
        // took from hints or anti-entropy (their own counters), or hints their holders saw confirmed (a holder's count
        // lags when its delivery timed out after the peer applied it, as under load).
        Assert.True(repairs["hints"] > 0 || repairs["hintsDelivered"] > 0 || repairs["antiEntropy"] > 0, $"neither hints nor anti-entropy repaired anything: {string.Join(", ", repairs)}; replicas: {DescribeReplicas(map)}");
        var lost = new List<string>();
        foreach (var (key, value) in acked)
        {
            var read = await api.GetKeyAsync(ns, key, new KeyValueConditions { Consistency = "quorum" });
            if (read.StatusCode != HttpStatusCode.OK || read.Text != value)
            {
                lost.Add($"{key}: acked {value}, read {read.StatusCode} {read.Text}");
            }
        }

        Assert.Empty(lost);
    });

    [Fact]
    public Task Crdt_counter_incremented_by_8_clients_through_a_partition_ends_at_the_acknowledged_sum_on_every_replica() => Cluster.RunAsync(Output, async () =>
    {
        Assert.True(NetworkPartition.IsSupported, NetworkPartition.UnsupportedReason);
        await Cluster.EnsureHealthyAsync();
        await WaitSystemGroupWholeAsync();
        var ns = NewNamespace("crdt");
        (await Client(PlatformApiRetry.Bounded(8)).SendJsonAsync(HttpMethod.Put, $"/v1/namespaces/{ns}",
            new { shards = 1, replication = new { mode = "multi-leader", replicas = 3, conflicts = "crdt" } })).ExpectSuccess();
        await WaitSpreadAsync(ns);
        var api = Client();
        long acked = 0, unknown = 0;
        await using var workload = new ClientWorkload();
        for (var c = 0; c < 8; c++)
        {
            workload.Start(async stop =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var answer = await api.SendJsonAsync(HttpMethod.Post, $"/v1/kv/{ns}/hits/counter", new { delta = 1 }, CancellationToken.None);
                    Interlocked.Increment(ref answer.IsSuccess ? ref acked : ref unknown);
                }
            });
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        using (NetworkPartition.Isolate(Cluster.Silos[2]))
        {
            await Task.Delay(TimeSpan.FromSeconds(2.5));
        }

        // Increments go on after the heal until 60 were acknowledged in all (under load the cut's timeouts leave few).
        await Eventually.Until(() => workload.Check(() => Interlocked.Read(ref acked) >= 60), "60 increments acknowledged", LoadTimeout);
        await workload.StopAsync();
        Output.WriteLine($"{acked} increments acknowledged, {unknown} unknown (timed out or refused)");

        // Every replica holds the same state (equal Merkle roots), and the value read from all of them is the sum.
        var value = await Eventually.Until(
            async ct =>
            {
                var map = (await Cluster.Api.GetAsync($"/v1/namespaces/{ns}/shards", ct)).Json();
                var all = await Cluster.Api.SendAsync(HttpMethod.Get, $"/v1/kv/{ns}/hits/counter", null, r => r.Headers.Add("Platform-Consistency", "all"), ct);
                return Converged(map.GetProperty("items")[0], out _) && all.StatusCode == HttpStatusCode.OK
                    ? long.Parse(JsonDocument.Parse(all.Body).RootElement.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                    : -1;
            },
            v => v >= acked && v <= acked + unknown,
            $"the counter on every replica between {acked} acknowledged and {acked + unknown} sent increments",
            new EventuallyOptions { Timeout = ConvergeWithin, RetryOn = ex => ex is PlatformApiException or JsonException or InvalidOperationException or FormatException });
        Output.WriteLine($"counter {value}: {acked} acknowledged + {value - acked} of the {unknown} unknown");
        Assert.True(acked > 50, $"only {acked} increments acknowledged");
    });
}
