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
/// What the leaderless fault tests share on either storage: the quorum W=2, R=2 workload recorded as a history (4
/// writers, 2 quorum readers) and its checks (every acknowledged write reads back, no quorum read goes back), and the
/// shard map's views (replicas spread over three silos, replicas converged to one Merkle root).
/// </summary>
public abstract class LeaderlessFaultTestBase(ProcessCluster cluster, ITestOutputHelper output) : ReplicationFaultTestBase(cluster, output)
{
    /// <summary>How long replicas may take to converge after a heal (hints every 200 ms; anti-entropy every second on memory, every 10 s on Azure Table).</summary>
    protected static readonly TimeSpan ConvergeWithin = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Quorum W=2, R=2 on 4 shards under 4 writers and 2 quorum readers; <paramref name="fault"/> runs after 200
    /// acknowledged writes, the workload goes on for 200 more, then every acknowledged write is read back at quorum
    /// and the recorded quorum reads are checked for going back. Returns the namespace.
    /// </summary>
    protected async Task<string> QuorumHistoryThroughAsync(string name, Func<Task> fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        await Cluster.EnsureHealthyAsync();
        await WaitSystemGroupWholeAsync();
        var ns = NewNamespace(name);
        (await Client(PlatformApiRetry.Bounded(8)).SendJsonAsync(HttpMethod.Put, $"/v1/namespaces/{ns}",
            new { shards = 4, replication = new { mode = "quorum", replicas = 3, w = 2, r = 2 } })).ExpectSuccess();
        var api = Client();
        var clock = Stopwatch.StartNew();
        var acked = new ConcurrentDictionary<string, (long Version, string Value)>(StringComparer.Ordinal);
        var attempted = new ConcurrentDictionary<string, ConcurrentBag<string>>(StringComparer.Ordinal);
        var reads = new ConcurrentQueue<(string Key, double Start, double End, long Version)>();
        long writes = 0, failed = 0;
        await using var workload = new ClientWorkload();
        for (var w = 0; w < 4; w++)
        {
            var writer = w;
            workload.Start(async stop =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var key = $"w{writer}-{i % 25}";
                    var value = $"{writer}:{i}";
                    attempted.GetOrAdd(key, _ => []).Add(value);
                    var put = await api.PutKeyAsync(ns, key, value, cancellationToken: CancellationToken.None);
                    if (put.IsSuccess)
                    {
                        acked[key] = (put.Value!.Version, value);
                        Interlocked.Increment(ref writes);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            });
        }

        for (var r = 0; r < 2; r++)
        {
            var random = new Random(r);
            workload.Start(async stop =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var key = $"w{random.Next(4)}-{random.Next(25)}";
                    var start = clock.Elapsed.TotalMilliseconds;
                    var read = await api.GetKeyAsync(ns, key, new KeyValueConditions { Consistency = "quorum" }, CancellationToken.None);
                    if (read.StatusCode == HttpStatusCode.OK)
                    {
                        reads.Enqueue((key, start, clock.Elapsed.TotalMilliseconds, read.Version ?? 0));
                    }
                }
            });
        }

        await Eventually.Until(() => workload.Check(() => Interlocked.Read(ref writes) >= 200), "200 quorum writes acknowledged", LoadTimeout);
        var before = Interlocked.Read(ref writes);
        Output.WriteLine($"fault at {clock.Elapsed.TotalSeconds:F1} s after {before} acknowledged writes");
        await fault();
        var after = Interlocked.Read(ref writes);
        Output.WriteLine($"fault over at {clock.Elapsed.TotalSeconds:F1} s, {after} acknowledged writes");
        await Eventually.Until(() => workload.Check(() => Interlocked.Read(ref writes) >= after + 200), "200 more writes acknowledged after the fault", LoadTimeout);
        await workload.StopAsync();

        var lost = new List<string>();
        foreach (var (key, (version, value)) in acked)
        {
            var read = await Client(PlatformApiRetry.Bounded(8)).GetKeyAsync(ns, key, new KeyValueConditions { Consistency = "quorum" });
            if (read.StatusCode != HttpStatusCode.OK || (read.Version ?? 0) < version || !attempted[key].Contains(read.Text))
            {
                lost.Add($"{key}: acked {value} (version {version}), read {read.StatusCode} {read.Text} (version {read.Version})");
            }
        }

        // Monotonic: a quorum read that started after another finished never returns an older version of the key.
        var backwards = reads.GroupBy(r => r.Key).SelectMany(g =>
        {
            var ordered = g.OrderBy(r => r.Start).ToList();
            return ordered.SelectMany(later => ordered.Where(earlier => earlier.End < later.Start && earlier.Version > later.Version)
                .Select(earlier => $"{g.Key}: read {earlier.Version} ending {earlier.End:F0} ms, then {later.Version} from {later.Start:F0} ms")).Take(3);
        }).ToList();
        Output.WriteLine($"{acked.Count} keys, {Interlocked.Read(ref writes)} writes acknowledged, {Interlocked.Read(ref failed)} failed; {reads.Count} quorum reads, {backwards.Count} went back; {lost.Count} acknowledged writes not read back");
        Assert.Empty(lost);
        Assert.Empty(backwards);
        Assert.True(reads.Count > 100, $"only {reads.Count} quorum reads");
        return ns;
    }

    /// <summary>The shard map of <paramref name="ns"/> once every shard's replicas answer and agree on one Merkle root.</summary>
    protected Task<JsonElement> WaitConvergedAsync(string ns, Func<JsonElement, bool>? also = null, string? what = null) =>
        Eventually.Until(
            async ct => (await Cluster.Api.GetAsync($"/v1/namespaces/{ns}/shards", ct)).Json(),
            m => m.GetProperty("items").EnumerateArray().All(s => Converged(s, out _)) && (also is null || also(m)),
            what ?? $"every replica of {ns} with one Merkle root per shard",
            new EventuallyOptions { Timeout = ConvergeWithin, RetryOn = ex => ex is PlatformApiException or JsonException or InvalidOperationException });

    /// <summary>What the mechanisms did, summed over every replica of the map: repairs by kind, hints delivered, keys loaded from storage.</summary>
    protected static Dictionary<string, long> Repairs(JsonElement map) =>
        map.GetProperty("items").EnumerateArray().SelectMany(s => s.GetProperty("replicas").EnumerateArray())
            .SelectMany(r => r.GetProperty("repairs").EnumerateObject()).GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Sum(p => p.Value.GetInt64()));

    /// <summary>Each replica's grain, silo, keys and non-zero repair counters, for failure messages.</summary>
    protected static string DescribeReplicas(JsonElement map) => string.Join("; ", map.GetProperty("items").EnumerateArray().SelectMany(s => s.GetProperty("replicas").EnumerateArray()).Select(r =>
        $"{(r.TryGetProperty("grain", out var g) ? g.GetString() : "?")}@{(r.TryGetProperty("silo", out var silo) ? silo.GetString() : "?")} keys {(r.TryGetProperty("keys", out var k) ? k.GetInt64() : -1)} " +
        string.Join(" ", r.GetProperty("repairs").EnumerateObject().Where(p => p.Value.GetInt64() != 0).Select(p => $"{p.Name} {p.Value.GetInt64()}"))));

    /// <summary>Every shard's replicas answer, each on a silo of its own.</summary>
    protected async Task WaitSpreadAsync(string ns) =>
        await Eventually.Until(
            async ct => (await Cluster.Api.GetAsync($"/v1/namespaces/{ns}/shards", ct)).Json(),
            m => m.GetProperty("items").EnumerateArray().All(s => s.GetProperty("replicas").EnumerateArray().Select(r => r.TryGetProperty("silo", out var silo) ? silo.GetString() : null).Distinct().Count() == 3
                && s.GetProperty("replicas").EnumerateArray().All(r => r.GetProperty("role").GetString() == "peer")),
            $"the replicas of {ns} on three silos",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(60), RetryOn = ex => ex is PlatformApiException or JsonException or InvalidOperationException });

    protected static bool Converged(JsonElement shard, out string roots)
    {
        var replicas = shard.GetProperty("replicas").EnumerateArray().ToList();
        roots = string.Join(",", replicas.Select(r => r.TryGetProperty("merkleRoot", out var m) ? m.GetString() : "none"));
        return replicas.All(r => r.GetProperty("role").GetString() == "peer") && replicas.Select(r => r.GetProperty("merkleRoot").GetString()).Distinct().Count() == 1;
    }
}
