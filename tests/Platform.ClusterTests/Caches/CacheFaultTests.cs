using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Caches;

/// <summary>
/// docs/caches.md on real silo processes: what a SIGKILL loses under write-behind (counted and bounded), and a
/// typed client's near cache across the SIGKILL of its only gateway and the reconnect.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class CacheFaultTests(ThreeSiloCluster cluster, ITestOutputHelper output)
{
    /// <summary>Write-behind delay of the test cache.</summary>
    private const int DelayMs = 1000;

    /// <summary>
    /// The loss bound the docs state for a source that does not fail: writes acknowledged in the last delayMs plus one
    /// flush-timer period (delayMs/4) before the kill, plus the source's latency: a key's write waits while its
    /// previous write is in flight, and each source call is cut at LoadTimeoutMs (10 s), so at most two of them.
    /// </summary>
    private static readonly TimeSpan LossWindow = TimeSpan.FromMilliseconds(DelayMs * 1.25) + TimeSpan.FromSeconds(2 * 10);

    /// <summary>writeBehind.maxAgeMs of the test cache: a key whose source writes keep failing is dropped (counted) after it.</summary>
    private const int MaxAgeMs = 2000;

    /// <summary>
    /// The bound on a shard whose source writes failed but dropped nothing: the key's oldest unconfirmed write is given
    /// up on at the first failed attempt after maxAgeMs, which the doubling backoff puts before 2 x maxAgeMs, on top of
    /// the loss window (the source's latency).
    /// </summary>
    private static readonly TimeSpan RetryWindow = TimeSpan.FromMilliseconds(2 * MaxAgeMs) + LossWindow;

    private static string Name(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Write-behind, 16 writers on 256 keys for 2 × the loss window (42.5 s), then a silo is SIGKILLed: every acknowledged write that never
    /// reached the source was acknowledged within the loss window before the kill; the writes lost are counted.
    /// </summary>
    [Fact]
    public Task WriteBehind_SiloKilled_LosesOnlyWritesOfTheLastDelay() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var api = cluster.Api;
        var ns = Name("wbsrc");
        var cache = Name("wb");
        (await api.CreateNamespaceAsync(ns, shards: 4)).ExpectSuccess();
        (await api.SendJsonAsync(HttpMethod.Put, $"/v1/caches/{cache}",
            $$$"""{"shards":12,"capacity":{"entries":100000},"strategy":"write-behind","source":{"namespace":"{{{ns}}}"},"writeBehind":{"delayMs":{{{DelayMs}}},"maxBatch":100,"maxQueue":100000,"maxAgeMs":{{{MaxAgeMs}}}}}"""))
            .ExpectSuccess();

        const int keys = 256;
        const int writers = 16;
        var acks = new ConcurrentBag<(int Key, int Round, DateTimeOffset At)>();
        var stop = 0;
        var failed = 0;
        var loops = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var round = 1; Volatile.Read(ref stop) == 0; round++)
            {
                for (var key = w; key < keys && Volatile.Read(ref stop) == 0; key += writers)
                {
                    var answer = await api.SendAsync(HttpMethod.Put, $"/v1/caches/{cache}/entries/k-{key}", () => new StringContent(round.ToString(CultureInfo.InvariantCulture)));
                    if (answer.IsSuccess)
                    {
                        acks.Add((key, round, DateTimeOffset.UtcNow));
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            }
        })).ToArray();

        // The load runs twice the loss window, so the writes before the window show the bound is not vacuous (at 30 s a
        // quiet box wrote 93 % of its writes inside the 21 s window); what is measured is the loss at the kill.
        await Task.Delay(2 * LossWindow);
        var victim = 2;

        // Shards whose source writes have failed (timed out on this loaded machine) hold writes waiting on retries,
        // which the bound does not cover: the docs say so. The bound is checked on the other shards' keys.
        var stats = (await api.SendAsync(HttpMethod.Get, $"/v1/caches/{cache}/stats")).ExpectSuccess().Json();
        var retrying = stats.GetProperty("shards").EnumerateArray()
            .Where(s => s.GetProperty("writeBehindFailures").GetInt64() > 0).Select(s => s.GetProperty("shard").GetInt32()).ToHashSet();
        var dropping = stats.GetProperty("shards").EnumerateArray()
            .Where(s => s.GetProperty("writeBehindDropped").GetInt64() > 0).Select(s => s.GetProperty("shard").GetInt32()).ToHashSet();
        Volatile.Write(ref stop, 1);
        var killedAt = DateTimeOffset.UtcNow;
        cluster.KillSilo(victim);
        await Task.WhenAll(loops);

        // The survivors and the re-activated shards write all they hold; then the source is what it will stay.
        await cluster.WaitForViewAsync(v => !v.IsActive(cluster.Silos[victim].SiloPort), "the killed silo to leave the view");
        // (A flush answers how many it wrote; writes failing on the killed silo's source shards stay pending until
        // their retries land, so wait for nothing pending.)
        await Eventually.Until(
            async ct =>
            {
                await api.SendAsync(HttpMethod.Post, $"/v1/caches/{cache}/flush", cancellationToken: ct);
                return await api.SendAsync(HttpMethod.Get, $"/v1/caches/{cache}/stats", cancellationToken: ct);
            },
            a => a.IsSuccess && a.Json().GetProperty("total").GetProperty("writeBehindPending").GetInt64() == 0,
            "every shard's write-behind queue to drain into the source",
            new EventuallyOptions { Timeout = TimeSpan.FromSeconds(90), Interval = TimeSpan.FromMilliseconds(500), Describe = a => (a as Platform.Testing.Http.ApiResponse)?.Text ?? "" });

        // Survivors may give up on writes while they drain (the source still failing): those shards are counted apart too.
        var drained = (await api.SendAsync(HttpMethod.Get, $"/v1/caches/{cache}/stats")).ExpectSuccess().Json();
        dropping.UnionWith(drained.GetProperty("shards").EnumerateArray()
            .Where(s => s.GetProperty("writeBehindDropped").GetInt64() > 0).Select(s => s.GetProperty("shard").GetInt32()));
        var droppedTotal = stats.GetProperty("total").GetProperty("writeBehindDropped").GetInt64() + drained.GetProperty("total").GetProperty("writeBehindDropped").GetInt64();

        var source = new int[keys];
        for (var key = 0; key < keys; key++)
        {
            var read = await Eventually.Until(ct => api.GetKeyAsync(ns, $"k-{key}", cancellationToken: ct), a => a.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound,
                $"the source's k-{key}", new EventuallyOptions { Timeout = TimeSpan.FromSeconds(30) });
            source[key] = read.StatusCode == HttpStatusCode.OK ? int.Parse(read.Text, CultureInfo.InvariantCulture) : 0;
        }

        var ring = new Platform.Sharding.HashRing(12);
        var all = acks.Where(a => a.Round > source[a.Key]).ToList();
        var lost = all.Where(a => !retrying.Contains(ring.ShardFor($"k-{a.Key}"))).ToList();
        var lostRetrying = all.Where(a => retrying.Contains(ring.ShardFor($"k-{a.Key}")) && !dropping.Contains(ring.ShardFor($"k-{a.Key}"))).ToList();
        var lostKeys = lost.Select(a => a.Key).Distinct().Count();
        var before = acks.Count(a => a.At < killedAt - LossWindow);
        var inWindow = acks.Count(a => a.At >= killedAt - LossWindow);
        var lastDelay = acks.Count(a => a.At >= killedAt - TimeSpan.FromMilliseconds(DelayMs));
        var oldest = lost.Count > 0 ? (killedAt - lost.Min(a => a.At)).TotalMilliseconds : 0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{retrying.Count} of 12 shards had failed source writes before the kill (excluded from the bound: {all.Count - lost.Count} lost writes); {acks.Count} writes acknowledged ({failed} refused); lost at the SIGKILL on the other shards: {lost.Count} writes, the last acknowledged value of {lostKeys} of {keys} keys; acknowledged in the last delayMs ({DelayMs} ms): {lastDelay}, in the loss window ({LossWindow.TotalMilliseconds} ms): {inWindow}; the oldest lost write was acknowledged {oldest:F0} ms before the kill"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"shards whose source writes failed but dropped nothing lost {lostRetrying.Count} writes, the oldest acknowledged {(lostRetrying.Count > 0 ? (killedAt - lostRetrying.Min(a => a.At)).TotalMilliseconds : 0):F0} ms before the kill (bound {RetryWindow.TotalMilliseconds} ms); {dropping.Count} shards dropped {droppedTotal} writes after maxAgeMs ({MaxAgeMs} ms), counted apart"));
        Assert.All(lostRetrying, a => Assert.True(a.At >= killedAt - RetryWindow,
            $"k-{a.Key} round {a.Round} on a retrying shard, acknowledged {(killedAt - a.At).TotalMilliseconds:F0} ms before the kill, never reached the source and was not counted dropped"));
        Assert.True(before >= acks.Count / 10, $"the load ran too short to tell the window from the whole run: {acks.Count} writes, {before} before the window");
        Assert.All(lost, a => Assert.True(a.At >= killedAt - LossWindow,
            $"k-{a.Key} round {a.Round}, acknowledged {(killedAt - a.At).TotalMilliseconds:F0} ms before the kill, never reached the source (it holds {source[a.Key]})"));
    });

    /// <summary>
    /// A typed client whose only gateway is first SIGSTOPped (its calls hang) and resumed, then SIGKILLed (its calls
    /// fail) and restarted: while it is cut off and after it reconnects, a read never answers a value older than a
    /// write acknowledged more than the near cache's lease (two check periods) before the read started. Pushes lost
    /// meanwhile are caught by the sequence check after the reconnect; a hanging check cannot outlast the lease.
    /// </summary>
    [Fact]
    public Task NearCache_GatewayPausedThenKilled_NeverServesOlderThanTheLease() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        const int checkMs = 500;
        var lease = TimeSpan.FromMilliseconds(2 * checkMs);
        var cache = Name("nc");
        (await cluster.Api.SendJsonAsync(HttpMethod.Put, $"/v1/caches/{cache}",
            """{"shards":4,"capacity":{"entries":10000},"nearCache":{"enabled":true,"ttlMs":600000,"capacity":1000}}""")).ExpectSuccess();
        var victim = 1;
        await using var reader = await CacheClientHost.StartAsync(cluster, victim, checkMs);
        const int keys = 16;
        var acked = new ConcurrentDictionary<int, ConcurrentQueue<(int Round, DateTimeOffset At)>>();
        for (var key = 0; key < keys; key++)
        {
            acked[key] = new ConcurrentQueue<(int, DateTimeOffset)>();
            (await cluster.Api.SendAsync(HttpMethod.Put, $"/v1/caches/{cache}/entries/k-{key}", () => new StringContent("0"))).ExpectSuccess();
            acked[key].Enqueue((0, DateTimeOffset.UtcNow));
        }

        var stop = 0;
        // One writer per key, so the keys whose shards live on the other silos keep changing while the victim is paused.
        var writer = Task.WhenAll(Enumerable.Range(0, keys).Select(key => Task.Run(async () =>
        {
            for (var round = 1; Volatile.Read(ref stop) == 0; round++)
            {
                var answer = await cluster.Api.SendAsync(HttpMethod.Put, $"/v1/caches/{cache}/entries/k-{key}", () => new StringContent(round.ToString(CultureInfo.InvariantCulture)));
                if (answer.IsSuccess)
                {
                    acked[key].Enqueue((round, DateTimeOffset.UtcNow));
                }

                await Task.Delay(50);
            }
        })));

        var reads = 0;
        var failedReads = 0;
        var staleWithinLease = 0;
        var maxStaleness = TimeSpan.Zero;
        var violations = new ConcurrentQueue<string>();
        var readsAfterRestart = 0;
        var restarted = 0;
        // Several readers, so some go on reading copies while others wait on a call to the paused gateway.
        var readerLoop = Task.WhenAll(Enumerable.Range(0, 8).Select(r => Task.Run(async () =>
        {
            var random = new Random(7 + r);
            while (Volatile.Read(ref stop) == 0)
            {
                var key = random.Next(keys);
                var started = DateTimeOffset.UtcNow;
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    var entry = await reader.Caches.GetAsync(cache, $"k-{key}", timeout.Token);
                    var value = int.Parse(Encoding.UTF8.GetString(entry!.Value), CultureInfo.InvariantCulture);
                    Interlocked.Increment(ref reads);
                    Interlocked.Add(ref readsAfterRestart, Volatile.Read(ref restarted));

                    // The newest write acknowledged before the read started is the freshest the read must not be older than... unless within the lease.
                    var newer = acked[key].Where(a => a.Round > value && a.At < started).ToList();
                    if (newer.Count > 0)
                    {
                        var staleness = started - newer.Min(a => a.At);
                        lock (violations)
                        {
                            maxStaleness = staleness > maxStaleness ? staleness : maxStaleness;
                        }

                        if (staleness >= lease)
                        {
                            violations.Enqueue($"k-{key}: read {value} at {started:HH:mm:ss.fff}, but round {newer.Max(a => a.Round)} was acknowledged {staleness.TotalMilliseconds:F0} ms earlier");
                        }
                        else
                        {
                            Interlocked.Increment(ref staleWithinLease);
                        }
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref failedReads); // cut off: no answer is fine, an old one is not
                    await Task.Delay(50);
                }
            }
        })));

        await Eventually.Until(() => reads > 200, "the reader to read through its near cache", TimeSpan.FromSeconds(60));

        // SIGSTOP: the reader's calls (reads of the shards, the checks) hang; its copies must stop being served within the lease.
        cluster.PauseSilo(victim);
        await Task.Delay(TimeSpan.FromSeconds(4)); // the writes go on meanwhile; staleness is what is measured
        cluster.ResumeSilo(victim);
        var resumedAt = reads;
        await Eventually.Until(() => reads > resumedAt + 200, "the reader to read on after the resume", TimeSpan.FromSeconds(90), () => $"{reads} reads, {failedReads} failed");

        // SIGKILL: the reader's calls fail; the pushes of the writes meanwhile are lost to it.
        var beforeKill = reader.Detections(cache);
        cluster.KillSilo(victim);
        await Eventually.Until(() => failedReads > 0 || reads > 5000, "the reader to be cut off", TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(3)); // writes go on while the reader is cut off: their pushes to it are lost
        await cluster.RestartSiloAsync(victim);
        Volatile.Write(ref restarted, 1);
        await Eventually.Until(() => readsAfterRestart > 500, "the reader to reconnect and read on", TimeSpan.FromSeconds(90), () => $"{readsAfterRestart} reads after the restart, {failedReads} failed");
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(writer, readerLoop);
        var afterRestart = reader.Detections(cache);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"near-cache detections across the kill and reconnect: {afterRestart.Gaps - beforeKill.Gaps} sequence gaps, {afterRestart.Unreachable - beforeKill.Unreachable} failed checks (copies dropped each time)"));
        Assert.True(afterRestart.Gaps + afterRestart.Unreachable > beforeKill.Gaps + beforeKill.Unreachable,
            "the near cache's checks never dropped a shard's copies across the gateway's SIGKILL and the reconnect");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{reads} reads ({readsAfterRestart} after the restart), {failedReads} failed while paused or cut off; {staleWithinLease} answered a value older than an acknowledged write within the lease ({lease.TotalMilliseconds} ms), {violations.Count} beyond it; the oldest by {maxStaleness.TotalMilliseconds:F0} ms"));
        Assert.True(violations.IsEmpty, $"{violations.Count} reads older than the lease: {string.Join("; ", violations.Take(5))}");
    });
}
