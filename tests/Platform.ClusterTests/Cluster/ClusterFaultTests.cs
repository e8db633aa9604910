using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Platform.ClusterTests.Harness;
using Platform.ClusterTests.History;
using Platform.ClusterTests.Linearizability;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Cluster;

/// <summary>
/// Real silo processes under SIGKILL, SIGSTOP/SIGCONT and SIGTERM, driven over HTTP through the client host.
/// Each test prints its figures; none asserts on timing (the box is shared), only on outcomes and histories.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class ClusterFaultTests(ThreeSiloCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Three silo processes sharing one PostgreSQL membership table form one cluster that the client host sees.</summary>
    [Fact]
    public Task ThreeSiloProcesses_FormOneCluster_AllActiveInClusterView() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var view = await cluster.GetClusterViewAsync();

        output.WriteLine($"cluster {cluster.ClusterId}: {view.Summary()}");
        output.WriteLine(view.Json);
        Assert.All(cluster.Silos, s => Assert.True(view.IsActive(s.SiloPort), $"{s} is not Active: {view.Summary()}"));
        Assert.Equal(cluster.Silos.Count, view.Silos.Count(m => m.IsActive && cluster.Silos.Any(s => m.IsOnPort(s.SiloPort))));
    });

    /// <summary>
    /// Writers keep writing distinct keys while the silo hosting most shards is SIGKILLed: the survivors declare it
    /// Dead, its shards serve again from other silos, and every write acknowledged before, during or after the
    /// kill reads back.
    /// </summary>
    [Fact]
    public Task SigKill_OneSilo_IsDeclaredDead_ShardsMove_AndNoAcknowledgedWriteIsLost() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var kv = Client();
        var ns = NewNamespace("kill");
        await CreateNamespaceAsync(Client(PlatformApiRetry.Bounded(8)), ns, shards: 6);
        var (victim, shardsOnVictim) = await PickVictimAsync(kv, ns);
        var port = cluster.Silos[victim].SiloPort;

        var clock = Stopwatch.StartNew();
        var acked = new ConcurrentQueue<(string Key, string Value, TimeSpan At)>();
        var rejected = new ConcurrentQueue<string>();
        var indeterminate = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (var seq = 0; !stop.IsCancellationRequested; seq++)
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"c{c}-{seq:D5}");
                var value = string.Create(CultureInfo.InvariantCulture, $"{key}@{clock.ElapsedMilliseconds}");
                var sent = clock.Elapsed;
                var r = await kv.PutKeyAsync(ns, key, value);
                if (r.IsSuccess)
                {
                    acked.Enqueue((key, value, clock.Elapsed));
                }
                else if (r.IsIndeterminate)
                {
                    indeterminate.Enqueue($"{key} sent at {sent.TotalSeconds:F2} s, answered at {clock.Elapsed.TotalSeconds:F2} s: {r}");
                }
                else
                {
                    rejected.Enqueue($"{key}: {r}");
                }
            }
        })).ToArray();

        try
        {
            await Eventually.Until(() => acked.Count >= 40, "40 acknowledged writes before the kill", LoadTimeout, () => Progress(acked.Count, indeterminate.Count, rejected.Count));
            var killedAt = clock.Elapsed;
            cluster.KillSilo(victim);
            output.WriteLine($"SIGKILL {cluster.Silos[victim]} at {killedAt.TotalSeconds:F2} s (it hosted {shardsOnVictim} of 6 shards)");

            var detection = Task.Run(async () =>
            {
                await cluster.WaitForViewAsync(v => v.IsDeclaredDead(port), $"silo {victim} declared Dead");
                return clock.Elapsed - killedAt;
            });
            var recovery = Task.Run(async () =>
            {
                var silos = await Eventually.Until(
                    ct => ShardSilosAsync(kv, ns, ct),
                    s => s is not null && !s.Any(a => ClusterView.AddressHasPort(a, port)),
                    $"every shard of {ns} to serve away from silo {victim}",
                    new EventuallyOptions { Timeout = cluster.Options.MembershipTimeout, Interval = TimeSpan.FromMilliseconds(100), Describe = s => s is IReadOnlyList<string> list ? string.Join(", ", list) : "not every shard answered" });
                return (clock.Elapsed - killedAt, silos!);
            });
            var detectedAfter = await detection;
            var (recoveredAfter, shardSilos) = await recovery;
            var detectedAt = killedAt + detectedAfter;

            // Writers stuck in a call to the dead silo time out (10 s, recorded as unknown); wait for fresh acks.
            await Eventually.Until(() => acked.Count(a => a.At > detectedAt) >= 20, "20 writes acknowledged after the silo was declared Dead", LoadTimeout, () => Progress(acked.Count(a => a.At > detectedAt), indeterminate.Count, rejected.Count));
            var firstAckAfterKill = acked.Where(a => a.At > killedAt).Select(a => a.At - killedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
            await stop.CancelAsync();
            await Task.WhenAll(writers);

            // Read every acknowledged write back.
            var reader = Client(PlatformApiRetry.Bounded(8));
            var lost = new ConcurrentQueue<string>();
            await Parallel.ForEachAsync(acked, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (a, ct) =>
            {
                var r = await reader.GetKeyAsync(ns, a.Key, cancellationToken: ct);
                if (!r.IsSuccess || r.Text != a.Value)
                {
                    lost.Enqueue($"{a.Key} acknowledged at {a.At.TotalSeconds:F2} s with '{a.Value}', read back {r}");
                }
            });

            output.WriteLine($"declared Dead after {detectedAfter.TotalSeconds:F2} s; all 6 shards serving from other silos after {recoveredAfter.TotalSeconds:F2} s ({string.Join(", ", shardSilos)})");
            output.WriteLine($"first write acknowledged {(firstAckAfterKill == TimeSpan.MaxValue ? "never" : $"{firstAckAfterKill.TotalSeconds:F2} s")} after the kill");
            output.WriteLine($"acknowledged writes: {acked.Count(a => a.At < killedAt)} before, {acked.Count(a => a.At >= killedAt && a.At < detectedAt)} during detection, {acked.Count(a => a.At >= detectedAt)} after; {indeterminate.Count} with unknown outcome (timeout/5xx), {rejected.Count} rejected");
            foreach (var u in indeterminate.Take(10))
            {
                output.WriteLine("unknown outcome: " + u);
            }

            output.WriteLine($"read back: {acked.Count - lost.Count} of {acked.Count}; lost {lost.Count}");
            foreach (var l in lost.Take(20))
            {
                output.WriteLine("LOST " + l);
            }

            Assert.Empty(lost);
            Assert.Empty(rejected);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
    });

    /// <summary>
    /// Clients increment a few counters with compare-and-set (GET value and ETag, PUT If-Match) while one silo is
    /// frozen with SIGSTOP until the others declare it Dead, then resumed: each key's history is linearizable and its
    /// final value is its number of acknowledged increments (plus at most the increments whose outcome is unknown).
    /// </summary>
    [Fact]
    public Task SigStop_OneSiloPastDetection_CasIncrementHistoryIsLinearizable() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var setup = Client(PlatformApiRetry.Bounded(8));
        var kv = Client();
        var ns = NewNamespace("cas");
        await CreateNamespaceAsync(setup, ns, shards: 6);
        string[] keys = ["counter-a", "counter-b", "counter-c"];
        foreach (var key in keys)
        {
            var created = await setup.PutKeyAsync(ns, key, "0", new KeyValueConditions { CreateOnly = true });
            var check = await setup.GetKeyAsync(ns, key);
            Assert.True(check is { Status: 200, Text: "0", Version: 1 }, $"setting up {key}: put {created}, get {check}");
        }

        var (victim, shardsOnVictim) = await PickVictimAsync(kv, ns);
        var port = cluster.Silos[victim].SiloPort;
        var history = new HistoryRecorder<RegisterInput, RegisterOutput>();
        var ackedIncrements = new ConcurrentDictionary<string, int>();
        var unknownIncrements = new ConcurrentDictionary<string, int>();
        var completed = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 6).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            while (!stop.IsCancellationRequested)
            {
                var key = keys[random.Next(keys.Length)];
                var read = history.Invoke(c, key, RegisterInput.Read());
                var r = await kv.GetKeyAsync(ns, key);
                if (!r.IsSuccess || r.Version is not { } version || !long.TryParse(r.Text, CultureInfo.InvariantCulture, out var value))
                {
                    history.Info(read, r.ToString());
                    continue;
                }

                history.Ok(read, RegisterOutput.ReadValue(value, version));
                var cas = history.Invoke(c, key, RegisterInput.Cas(version, value + 1));
                var w = await kv.PutKeyAsync(ns, key, (value + 1).ToString(CultureInfo.InvariantCulture), KeyValueConditions.Version(version));
                if (w.IsSuccess)
                {
                    history.Ok(cas, RegisterOutput.Written(w.Version));
                    ackedIncrements.AddOrUpdate(key, 1, (_, n) => n + 1);
                }
                else if (w.Status == 412)
                {
                    history.Ok(cas, w.Problem?.CurrentVersion is { } current ? RegisterOutput.PreconditionFailed(current) : RegisterOutput.CasFailed);
                }
                else
                {
                    history.Info(cas, w.ToString());
                    unknownIncrements.AddOrUpdate(key, 1, (_, n) => n + 1);
                }

                Interlocked.Increment(ref completed);
            }
        })).ToArray();

        try
        {
            var clock = Stopwatch.StartNew();
            await Eventually.Until(() => Volatile.Read(ref completed) >= 30, "30 increments attempted before the pause", LoadTimeout, () => $"{Volatile.Read(ref completed)} attempted");
            var pausedAt = clock.Elapsed;
            cluster.PauseSilo(victim);
            output.WriteLine($"SIGSTOP {cluster.Silos[victim]} (hosting {shardsOnVictim} of 6 shards)");
            await cluster.WaitForViewAsync(v => v.IsDeclaredDead(port), $"paused silo {victim} declared Dead");
            var detectedAfter = clock.Elapsed - pausedAt;
            await Task.Delay(TimeSpan.FromSeconds(1));
            cluster.ResumeSilo(victim);
            var resumedAfter = clock.Elapsed - pausedAt;
            var exited = await cluster.Silos[victim].Process!.WaitForExitAsync(TimeSpan.FromSeconds(20));
            output.WriteLine($"declared Dead {detectedAfter.TotalSeconds:F2} s into the pause; SIGCONT after {resumedAfter.TotalSeconds:F2} s; the resumed silo {(exited ? "stopped itself" : "was still running 20 s later")}");
            await Task.Delay(TimeSpan.FromSeconds(4));
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
            var historyFile = Path.Combine(cluster.LogDirectory, $"history-{ns}.txt");
            Directory.CreateDirectory(cluster.LogDirectory);
            history.WriteTo(historyFile);
            output.WriteLine($"history: {history.Count} events in {historyFile}");
        }

        var failures = new List<string>();
        foreach (var key in keys)
        {
            var watch = Stopwatch.StartNew();
            var ops = history.ToLinearizabilityOperations(key);
            var result = LinearizabilityChecker.Check(new RegisterModel(new RegisterState(0, 1)), ops);
            var final = await setup.GetKeyAsync(ns, key);
            var acked = ackedIncrements.GetValueOrDefault(key);
            var unknown = unknownIncrements.GetValueOrDefault(key);
            long.TryParse(final.Text, CultureInfo.InvariantCulture, out var finalValue);
            output.WriteLine($"{key}: {ops.Count} operations, {acked} acknowledged increments, {unknown} with unknown outcome, final value {final.Text} (v{final.Version}); {result} in {watch.ElapsedMilliseconds} ms");
            if (!result.IsLinearizable)
            {
                failures.Add($"{key}: {result}");
            }

            if (!final.IsSuccess || finalValue < acked || finalValue > acked + unknown)
            {
                failures.Add($"{key}: final value {final} is outside [acknowledged {acked}, acknowledged + unknown {acked + unknown}]");
            }
        }

        Assert.Empty(failures);
    });

    /// <summary>
    /// Every silo in turn gets SIGTERM (graceful shutdown), is waited for, and is restarted on its ports, while
    /// clients keep writing and reading back: no request fails once bounded client retries (503, connection errors)
    /// are used, and every write reads back.
    /// </summary>
    [Fact]
    public Task RollingRestart_EverySiloInTurn_NoRequestFailsBeyondBoundedRetries() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var retries = 0;
        var kv = Client(PlatformApiRetry.Bounded(8, _ => Interlocked.Increment(ref retries)));
        var ns = NewNamespace("roll");
        await CreateNamespaceAsync(kv, ns, shards: 6);

        var requests = 0;
        var failed = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 3).Select(c => Task.Run(async () =>
        {
            for (var seq = 0; !stop.IsCancellationRequested; seq++)
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"r{c}-{seq:D5}");
                Interlocked.Increment(ref requests);
                var w = await kv.PutKeyAsync(ns, key, key);
                if (!w.IsSuccess)
                {
                    failed.Enqueue($"PUT {key}: {w}");
                    continue;
                }

                Interlocked.Increment(ref requests);
                var r = await kv.GetKeyAsync(ns, key);
                if (!r.IsSuccess || r.Text != key)
                {
                    failed.Enqueue($"GET {key}: {r}");
                }

                await Task.Delay(10);
            }
        })).ToArray();

        try
        {
            foreach (var silo in cluster.Silos)
            {
                var watch = Stopwatch.StartNew();
                var graceful = await cluster.TerminateSiloAsync(silo.Index);
                var stoppedAfter = watch.Elapsed;
                await cluster.WaitForViewAsync(v => !v.IsActive(silo.SiloPort), $"silo {silo.Index} no longer Active after SIGTERM");
                var leftAfter = watch.Elapsed;
                await cluster.RestartSiloAsync(silo.Index);
                await cluster.WaitForAllActiveAsync();
                output.WriteLine($"silo {silo.Index}: SIGTERM -> exited {(graceful ? "gracefully" : "NOT gracefully (SIGKILLed)")} in {stoppedAfter.TotalSeconds:F2} s, out of the view at {leftAfter.TotalSeconds:F2} s, restarted and Active at {watch.Elapsed.TotalSeconds:F2} s; requests so far {Volatile.Read(ref requests)}, retries {Volatile.Read(ref retries)}");
                Assert.True(graceful, $"silo {silo.Index} did not exit within {cluster.Options.ShutdownTimeout.TotalSeconds:F0} s of SIGTERM");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        output.WriteLine($"requests: {requests}, retries used: {retries}, failed after retries: {failed.Count}");
        foreach (var f in failed.Take(20))
        {
            output.WriteLine("FAILED " + f);
        }

        Assert.Empty(failed);
    });

    private static string NewNamespace(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// The API as the fault tests' clients use it: a 10 s client timeout per attempt, so a request stuck on a dead
    /// silo comes back as "no answer" (status 0, outcome unknown); optionally with bounded retries.
    /// </summary>
    private PlatformApiClient Client(Polly.ResiliencePipeline<HttpResponseMessage>? retry = null) =>
        cluster.Api.With(new PlatformApiClientOptions { Retry = retry, RequestTimeout = TimeSpan.FromSeconds(10) });

    /// <summary>Creates a namespace (idempotent) with the retries of <paramref name="api"/>; throws when it cannot.</summary>
    private static async Task CreateNamespaceAsync(PlatformApiClient api, string ns, int shards) =>
        (await api.CreateNamespaceAsync(ns, shards)).ExpectSuccess();

    /// <summary>The silo hosting each shard, in shard order; null when not every shard answered.</summary>
    private static async Task<IReadOnlyList<string>?> ShardSilosAsync(PlatformApiClient api, string ns, CancellationToken cancellationToken = default)
    {
        var map = await api.GetShardMapAsync(ns, cancellationToken: cancellationToken);
        return map.IsSuccess ? [.. map.Ok().Items.Select(s => s.Silo)] : null;
    }

    private static string Progress(int acknowledged, int unknown, int rejected) =>
        $"{acknowledged} acknowledged, {unknown} unknown, {rejected} rejected";

    /// <summary>The silo that hosts the most of the namespace's shards (activating them all first), and how many.</summary>
    private async Task<(int Index, int Shards)> PickVictimAsync(PlatformApiClient kv, string ns)
    {
        var silos = await Eventually.Until(ct => ShardSilosAsync(kv, ns, ct), s => s is not null, $"the shard map of {ns}", new EventuallyOptions { Timeout = LoadTimeout });
        var counts = cluster.Silos.Select(s => (s.Index, Shards: silos!.Count(a => ClusterView.AddressHasPort(a, s.SiloPort)))).ToList();
        output.WriteLine($"shards of {ns}: {string.Join(", ", silos!)}");
        return counts.MaxBy(c => c.Shards);
    }
}
