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
    /// The silo hosting the keys under test is SIGKILLed while clients run Jepsen's register workload on those keys
    /// (read, blind write, compare-and-set) and writers keep writing distinct keys across every shard: the survivors
    /// declare it Dead, its shards serve again from other silos, operations on its keys were in flight across the
    /// kill and succeed after the declaration, each key's history (final re-read included) is linearizable, and every
    /// write acknowledged before, during or after the kill reads back.
    /// </summary>
    [Fact]
    public Task SigKill_SiloHostingTheKeys_RegisterHistoryIsLinearizable_AndNoAcknowledgedWriteIsLost() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var kv = Client();
        var setup = Client(PlatformApiRetry.Bounded(8));
        var ns = NewNamespace("kill");
        await CreateNamespaceAsync(setup, ns, shards: 6);
        var (victim, keys) = await VictimAndKeysAsync(setup, ns);
        var port = cluster.Silos[victim].SiloPort;
        var registers = new RegisterWorkload(ns, keys);

        var writers = new DistinctKeyWriters(ns);
        var clock = writers.Clock;
        var acked = writers.Acked;
        var indeterminate = writers.Unknown;
        await using var workload = new ClientWorkload();
        for (var c = 0; c < 4; c++)
        {
            var client = c;
            workload.Start(stop => registers.RunClientAsync(client, kv, readOnly: false, stop));
        }

        writers.Start(workload, kv, 2);

        await Eventually.Until(() => workload.Check(() => registers.Completed >= 60 && acked.Count >= 20), "60 register operations and 20 acknowledged writes before the kill", LoadTimeout, () => $"{registers.Completed} register operations; {Progress(acked.Count, indeterminate.Count)}");
        await AssertKeysOnSiloAsync(setup, ns, keys, victim);
        var killedAt = clock.Elapsed;
        var killedTimestamp = Stopwatch.GetTimestamp();
        cluster.KillSilo(victim);
        output.WriteLine($"SIGKILL {cluster.Silos[victim]} at {killedAt.TotalSeconds:F2} s (it hosts {string.Join(", ", keys)})");

        await cluster.WaitForViewAsync(v => workload.Check(() => v.IsDeclaredDead(port)), $"silo {victim} declared Dead");
        var deadTimestamp = Stopwatch.GetTimestamp();
        var detectedAt = clock.Elapsed;
        var shardSilos = await Eventually.Until(
            ct => ShardSilosAsync(kv, ns, ct),
            s => workload.Check(() => s is not null && !s.Any(a => ClusterView.AddressHasPort(a, port))),
            $"every shard of {ns} to serve away from silo {victim}",
            new EventuallyOptions { Timeout = cluster.Options.MembershipTimeout, Interval = TimeSpan.FromMilliseconds(100), Describe = s => s is IReadOnlyList<string> list ? string.Join(", ", list) : "not every shard answered" });
        var recoveredAt = clock.Elapsed;

        // Requests stuck in a call to the dead silo time out (10 s, unknown); wait for fresh successes on every key.
        await Eventually.Until(
            () => workload.Check(() => keys.All(k => SucceededAfter(registers, k, deadTimestamp) >= 5) && acked.Count(a => a.At > detectedAt) >= 20),
            "5 register operations on each key and 20 acknowledged writes after the silo was declared Dead",
            LoadTimeout,
            () => $"{string.Join(", ", keys.Select(k => $"{k}: {SucceededAfter(registers, k, deadTimestamp)}"))}; {acked.Count(a => a.At > detectedAt)} writes");
        await workload.StopAsync();
        await registers.ReadEveryKeyAsync(99, setup);

        // Read every acknowledged write back.
        var lost = await writers.ReadBackAsync(setup);

        output.WriteLine($"declared Dead after {(detectedAt - killedAt).TotalSeconds:F2} s; all 6 shards serving from other silos after {(recoveredAt - killedAt).TotalSeconds:F2} s ({string.Join(", ", shardSilos!)})");
        output.WriteLine($"acknowledged writes: {acked.Count(a => a.At < killedAt)} before, {acked.Count(a => a.At >= killedAt && a.At < detectedAt)} during detection, {acked.Count(a => a.At >= detectedAt)} after; {indeterminate.Count} with unknown outcome");
        foreach (var u in indeterminate.Take(10))
        {
            output.WriteLine("unknown outcome: " + u);
        }

        output.WriteLine($"read back: {acked.Count - lost.Count} of {acked.Count}; lost {lost.Count}");
        foreach (var l in lost.Take(20))
        {
            output.WriteLine("LOST " + l);
        }

        var failures = CheckRegisters(registers, "sigkill");
        failures.AddRange(FaultMattered(registers, killedTimestamp, deadTimestamp, "the SIGKILL"));
        failures.AddRange(lost);
        Assert.Empty(failures);
    });

    /// <summary>
    /// The silo hosting the keys under test is frozen with SIGSTOP until the others declare it Dead, then resumed with
    /// SIGCONT but cut off (<see cref="NetworkPartition"/>) from everything except its own gateway's clients, while
    /// clients run the register workload on those keys through the client host and two more clients keep reading them
    /// through a client host whose only gateway is the frozen silo (their requests wait in its sockets and reach it when
    /// it wakes). Cut off, the resumed silo cannot learn it was declared Dead nor renew its shards' leases, while newer
    /// writes land elsewhere and reads keep reaching it: every key's history, reads through it included, is
    /// linearizable (the shards' activation lease, docs/keyvalue.md), reads through it were sent after newer writes were
    /// acknowledged, operations were in flight across the pause and succeeded after the declaration, and once healed
    /// the resumed silo stops itself.
    /// </summary>
    [Fact]
    public Task SigStop_SiloHostingTheKeys_PastDeclaredDeadAndResumedWhileReadingThroughIt_HistoryIsLinearizable() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var setup = Client(PlatformApiRetry.Bounded(8));
        var kv = Client();
        var ns = NewNamespace("stop");
        await CreateNamespaceAsync(setup, ns, shards: 6);
        var (victim, keys) = await VictimAndKeysAsync(setup, ns);
        var port = cluster.Silos[victim].SiloPort;
        using var pinned = await cluster.StartPinnedClientHostAsync(victim);
        // A short timeout: a read the cut-off silo cannot answer (its lease cannot be renewed) ends unknown after 5 s,
        // and the reader sends the next one.
        var throughVictim = pinned.Api.With(new PlatformApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(5) });
        var registers = new RegisterWorkload(ns, keys);
        const int PinnedFrom = 10;

        await using var workload = new ClientWorkload();
        for (var c = 0; c < 5; c++)
        {
            var client = c;
            workload.Start(stop => registers.RunClientAsync(client, kv, readOnly: false, stop));
        }

        for (var c = PinnedFrom; c < PinnedFrom + 2; c++)
        {
            var client = c;
            workload.Start(stop => registers.RunClientAsync(client, throughVictim, readOnly: true, stop));
        }

        var historyFile = Path.Combine(cluster.LogDirectory, $"history-{ns}.txt");
        try
        {
            var clock = Stopwatch.StartNew();
            await Eventually.Until(
                () => workload.Check(() => registers.Completed >= 60 && PinnedOk(registers, PinnedFrom, 0) >= 10),
                "60 register operations, 10 of them reads through the victim's gateway, before the pause",
                LoadTimeout,
                () => $"{registers.Completed} operations, {PinnedOk(registers, PinnedFrom, 0)} through the victim");
            await AssertKeysOnSiloAsync(setup, ns, keys, victim);
            var pausedTimestamp = Stopwatch.GetTimestamp();
            var pausedAt = clock.Elapsed;
            cluster.PauseSilo(victim);
            output.WriteLine($"SIGSTOP {cluster.Silos[victim]} (it hosts {string.Join(", ", keys)})");
            await cluster.WaitForViewAsync(v => workload.Check(() => v.IsDeclaredDead(port)), $"paused silo {victim} declared Dead");
            var deadTimestamp = Stopwatch.GetTimestamp();
            var detectedAfter = clock.Elapsed - pausedAt;

            // The others serve the keys again while the victim is still frozen.
            await Eventually.Until(
                () => workload.Check(() => keys.All(k => SucceededAfter(registers, k, deadTimestamp) >= 3)),
                "3 operations on each key after the paused silo was declared Dead",
                LoadTimeout,
                () => string.Join(", ", keys.Select(k => $"{k}: {SucceededAfter(registers, k, deadTimestamp)}")));
            // Resume it cut off from everyone but its own gateway's clients (iptables): it cannot read the membership
            // table, so it cannot learn it was declared Dead, nor reach storage to renew its shards' leases, while the
            // pinned readers still reach it and the other clients keep writing the keys elsewhere. A read it answered
            // from its own copy without a fresh lease would be stale; with the lease it cannot answer at all.
            var resumedTimestamp = Stopwatch.GetTimestamp();
            var process = cluster.Silos[victim].Process!;
            TimeSpan resumedAfter, healedAfter;
            using (var cut = NetworkPartition.Isolate(cluster.Silos[victim], open: [cluster.Silos[victim].GatewayPort]))
            {
                cluster.ResumeSilo(victim);
                resumedAfter = clock.Elapsed - pausedAt;
                await Eventually.Until(
                    () => workload.Check(() => keys.All(k => SucceededAfter(registers, k, resumedTimestamp) >= 5) && ReadsAfterNewerWrites(registers, PinnedFrom, resumedTimestamp) >= 4),
                    "5 more operations on each key (elsewhere) and 4 finished reads through the cut-off silo, each sent after a newer operation on its key was acknowledged elsewhere",
                    LoadTimeout,
                    () => string.Join(", ", keys.Select(k => $"{k}: {SucceededAfter(registers, k, resumedTimestamp)}")) + $"; reads through it after newer writes: {ReadsAfterNewerWrites(registers, PinnedFrom, resumedTimestamp)}");
                Assert.False(process.HasExited, $"silo {victim} stopped while cut off from the membership table: the test did not get a resumed silo that believes it is alive");
                cut.Heal();
                healedAfter = clock.Elapsed - pausedAt;
            }

            var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
            var exitedAfter = clock.Elapsed - pausedAt;
            output.WriteLine($"declared Dead {detectedAfter.TotalSeconds:F2} s into the pause; SIGCONT (cut off but for its gateway) at {resumedAfter.TotalSeconds:F2} s; healed at {healedAfter.TotalSeconds:F2} s; the resumed silo {(exited ? $"stopped itself (exit code {process.ExitCode}) at {exitedAfter.TotalSeconds:F2} s" : "was still running 60 s after the heal")}");
            Assert.True(exited, $"silo {victim} was declared Dead while paused and still ran 60 s after SIGCONT and the heal (docs/testing.md: it stops itself on resume); the next test restarts it.\n{process.Tail(60)}");
            await workload.StopAsync();
            await registers.ReadEveryKeyAsync(99, setup);

            var ops = registers.History.Operations();
            var pinnedOps = ops.Where(o => o.ClientId >= PinnedFrom).ToList();
            var pinnedAcross = FaultEvidence.InFlightAcross(pinnedOps, resumedTimestamp);
            var pinnedOkAfterResume = pinnedOps.Count(o => o.Succeeded && o.Completed > resumedTimestamp);
            output.WriteLine($"through the victim's gateway: {pinnedOps.Count} reads, {pinnedOps.Count(o => o.Succeeded)} answered; {pinnedAcross.Count} in flight across the SIGCONT, {pinnedOkAfterResume} answered after it: {string.Join("; ", pinnedOps.Where(o => o.Completed > resumedTimestamp).Take(6).Select(o => $"{o.Key} {(o.Succeeded ? o.Output!.ToString() : o.Error)}"))}");

            var failures = CheckRegisters(registers, "sigstop");
            failures.AddRange(FaultMattered(registers, pausedTimestamp, deadTimestamp, "the SIGSTOP"));
            if (pinnedAcross.Count == 0)
            {
                failures.Add("no read through the victim's gateway was in flight when it was resumed");
            }

            Assert.Empty(failures);
        }
        finally
        {
            await workload.DisposeAsync();
            Directory.CreateDirectory(cluster.LogDirectory);
            registers.History.WriteTo(historyFile);
            output.WriteLine($"history: {registers.History.Count} events in {historyFile}");
        }
    });

    /// <summary>
    /// Every silo in turn gets SIGTERM (graceful shutdown), is waited for, and is restarted on its ports, while
    /// clients keep writing and reading back: requests ran and succeeded during each silo's outage, none fails once
    /// bounded client retries (503, connection errors) are used, and at the end every key written reads back.
    /// </summary>
    [Fact]
    public Task RollingRestart_EverySiloInTurn_RequestsSucceedDuringEachOutage_AndEveryKeyReadsBack() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var retries = 0;
        var kv = Client(PlatformApiRetry.Bounded(8, _ => Interlocked.Increment(ref retries)));
        var ns = NewNamespace("roll");
        await CreateNamespaceAsync(kv, ns, shards: 6);

        var clock = Stopwatch.StartNew();
        var written = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var requests = new ConcurrentQueue<(TimeSpan Sent, TimeSpan Answered)>();
        var failed = new ConcurrentQueue<string>();
        var outages = new List<(int Silo, TimeSpan From, TimeSpan To)>();
        await using var workload = new ClientWorkload();
        for (var c = 0; c < 3; c++)
        {
            var client = c;
            workload.Start(async stop =>
            {
                for (var seq = 0; !stop.IsCancellationRequested; seq++)
                {
                    var key = string.Create(CultureInfo.InvariantCulture, $"r{client}-{seq % 40:D2}");
                    var value = string.Create(CultureInfo.InvariantCulture, $"{key}#{seq}");
                    var sent = clock.Elapsed;
                    var w = await kv.PutKeyAsync(ns, key, value, cancellationToken: CancellationToken.None);
                    if (!w.IsSuccess)
                    {
                        failed.Enqueue($"PUT {key} sent at {sent.TotalSeconds:F2} s: {w}");
                        continue;
                    }

                    written[key] = value;
                    requests.Enqueue((sent, clock.Elapsed));
                    sent = clock.Elapsed;
                    var r = await kv.GetKeyAsync(ns, key, cancellationToken: CancellationToken.None);
                    if (!r.IsSuccess || r.Text != value)
                    {
                        failed.Enqueue($"GET {key} sent at {sent.TotalSeconds:F2} s (expected '{value}'): {r}");
                        continue;
                    }

                    requests.Enqueue((sent, clock.Elapsed));
                    await Task.Delay(10, stop);
                }
            });
        }

        // The claim is about a workload already running: the first outage starts once requests are being answered
        // (in one clean-clone run the first request was still in flight when silo 0 went down, and the outage was empty).
        await Eventually.Until(() => workload.Check(() => requests.Count >= 20), "20 requests answered before the first outage", LoadTimeout);
        foreach (var silo in cluster.Silos)
        {
            var watch = Stopwatch.StartNew();
            var from = clock.Elapsed;
            var graceful = await cluster.TerminateSiloAsync(silo.Index);
            var stoppedAfter = watch.Elapsed;
            await cluster.WaitForViewAsync(v => !v.IsActive(silo.SiloPort), $"silo {silo.Index} no longer Active after SIGTERM");
            var leftAfter = watch.Elapsed;
            await cluster.RestartSiloAsync(silo.Index);
            await cluster.WaitForAllActiveAsync();
            outages.Add((silo.Index, from, clock.Elapsed));
            output.WriteLine($"silo {silo.Index}: SIGTERM -> exited {(graceful ? "gracefully" : "NOT gracefully (SIGKILLed)")} in {stoppedAfter.TotalSeconds:F2} s, out of the view at {leftAfter.TotalSeconds:F2} s, restarted and Active at {watch.Elapsed.TotalSeconds:F2} s; requests so far {requests.Count}, retries {Volatile.Read(ref retries)}");
            Assert.True(graceful, $"silo {silo.Index} did not exit within {cluster.Options.ShutdownTimeout.TotalSeconds:F0} s of SIGTERM");
            var restartedAt = outages[^1].To;
            await Eventually.Until(() => workload.Check(() => requests.Any(r => r.Sent > restartedAt)), $"a request to succeed after silo {silo.Index} was Active again", LoadTimeout);
        }

        await workload.StopAsync();

        // Every key, re-read at the end: the last acknowledged value of each (each client writes its own keys in turn).
        var reader = Client(PlatformApiRetry.Bounded(8));
        var wrong = new List<string>();
        foreach (var (key, value) in written.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var r = await reader.GetKeyAsync(ns, key);
            if (!r.IsSuccess || r.Text != value)
            {
                wrong.Add($"{key}: expected '{value}', read {r}");
            }
        }

        output.WriteLine($"requests succeeded: {requests.Count}, retries used: {retries}, failed after retries: {failed.Count}; keys re-read at the end: {written.Count}, wrong {wrong.Count}");
        foreach (var (silo, from, to) in outages)
        {
            output.WriteLine($"outage of silo {silo} ({from.TotalSeconds:F1}-{to.TotalSeconds:F1} s): {requests.Count(r => r.Sent >= from && r.Answered <= to)} requests sent and answered within it");
        }

        foreach (var f in failed.Concat(wrong).Take(20))
        {
            output.WriteLine("FAILED " + f);
        }

        Assert.Empty(failed);
        Assert.Empty(wrong);
        Assert.True(written.Count >= 3, $"only {written.Count} keys written");
        Assert.All(outages, o => Assert.True(
            requests.Any(r => r.Sent >= o.From && r.Answered <= o.To),
            $"no request was sent and answered successfully during the outage of silo {o.Silo} ({o.From.TotalSeconds:F1}-{o.To.TotalSeconds:F1} s)"));
    });

    /// <summary>
    /// The silo hosting the keys under test is cut off from everyone (iptables: silos, clients, PostgreSQL, Azurite)
    /// while clients run the register workload on those keys: the others declare it Dead and serve its keys, every
    /// key's history is linearizable, and once healed the cut-off silo learns it was declared Dead and stops itself.
    /// </summary>
    [Fact]
    public Task Partition_SiloHostingTheKeysCutOffFromEveryone_HistoryIsLinearizable_AndItStopsItselfWhenHealed() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var kv = Client();
        var setup = Client(PlatformApiRetry.Bounded(8));
        var ns = NewNamespace("cut");
        await CreateNamespaceAsync(setup, ns, shards: 6);
        var (victim, keys) = await VictimAndKeysAsync(setup, ns);
        var port = cluster.Silos[victim].SiloPort;
        var registers = new RegisterWorkload(ns, keys);
        await using var workload = new ClientWorkload();
        for (var c = 0; c < 4; c++)
        {
            var client = c;
            workload.Start(stop => registers.RunClientAsync(client, kv, readOnly: false, stop));
        }

        await Eventually.Until(() => workload.Check(() => registers.Completed >= 60), "60 register operations before the partition", LoadTimeout, () => $"{registers.Completed} operations");
        await AssertKeysOnSiloAsync(setup, ns, keys, victim);
        var clock = Stopwatch.StartNew();
        var cutTimestamp = Stopwatch.GetTimestamp();
        using var cut = NetworkPartition.Isolate(cluster.Silos[victim]);
        output.WriteLine($"partition: {cluster.Silos[victim]} cut off from everyone (it hosts {string.Join(", ", keys)})");
        await cluster.WaitForViewAsync(v => workload.Check(() => v.IsDeclaredDead(port)), $"cut-off silo {victim} declared Dead");
        var deadTimestamp = Stopwatch.GetTimestamp();
        var detectedAfter = clock.Elapsed;
        await Eventually.Until(
            () => workload.Check(() => keys.All(k => SucceededAfter(registers, k, deadTimestamp) >= 5)),
            "5 register operations on each key after the cut-off silo was declared Dead",
            LoadTimeout,
            () => string.Join(", ", keys.Select(k => $"{k}: {SucceededAfter(registers, k, deadTimestamp)}")));
        await workload.StopAsync();
        cut.Heal();
        var healedAfter = clock.Elapsed;
        var process = cluster.Silos[victim].Process!;
        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"declared Dead {detectedAfter.TotalSeconds:F2} s into the partition; healed at {healedAfter.TotalSeconds:F2} s; the silo {(exited ? $"stopped itself (exit code {process.ExitCode}) {(clock.Elapsed - healedAfter).TotalSeconds:F2} s later" : "still ran 60 s after the heal")}");
        await registers.ReadEveryKeyAsync(99, setup);

        var failures = CheckRegisters(registers, "partition");
        failures.AddRange(FaultMattered(registers, cutTimestamp, deadTimestamp, "the partition"));
        Assert.Empty(failures);
        Assert.True(exited, $"silo {victim} was declared Dead while cut off and still ran 60 s after the heal\n{process.Tail(60)}");
    });

    /// <summary>
    /// Finished reads of clients <paramref name="pinnedFrom"/> and up sent after <paramref name="since"/> and after an
    /// operation of another client on the same key was acknowledged (after <paramref name="since"/> too): reads a stale
    /// copy would answer wrongly.
    /// </summary>
    private static int ReadsAfterNewerWrites(RegisterWorkload registers, int pinnedFrom, long since)
    {
        var ops = registers.History.Operations();
        var newer = ops.Where(o => o.ClientId < pinnedFrom && o.Succeeded && o.Completed > since).ToList();
        return ops.Count(r => r.ClientId >= pinnedFrom && r.Completion is not null && r.Invoked > since
            && newer.Any(w => w.Key == r.Key && w.Completed < r.Invoked));
    }

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

    private static string Progress(int acknowledged, int unknown) => $"{acknowledged} acknowledged, {unknown} unknown";

    private static int SucceededAfter(RegisterWorkload registers, string key, long at) =>
        FaultEvidence.SucceededAfter(registers.History.Operations().Where(o => o.Key == key), at).Count;

    private static int PinnedOk(RegisterWorkload registers, int pinnedFrom, long after) =>
        registers.History.Operations().Count(o => o.ClientId >= pinnedFrom && o.Succeeded && o.Invoked > after);

    /// <summary>
    /// A silo and <paramref name="count"/> keys whose shard it hosts (from <c>/locate</c>, which activates the shard):
    /// the silo that hosts the most of 48 candidate keys.
    /// </summary>
    private async Task<(int Victim, IReadOnlyList<string> Keys)> VictimAndKeysAsync(PlatformApiClient api, string ns, int count = 3)
    {
        var located = new List<(string Key, int Silo)>();
        for (var i = 0; i < 48; i++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"reg-{i:D2}");
            located.Add((key, await SiloOfKeyAsync(api, ns, key)));
        }

        var best = located.GroupBy(l => l.Silo).MaxBy(g => g.Count())!;
        Assert.True(best.Count() >= count, $"no silo hosts {count} of 48 keys: {string.Join(", ", located.Select(l => $"{l.Key}@{l.Silo}"))}");
        var keys = best.Take(count).Select(l => l.Key).ToList();
        output.WriteLine($"victim {cluster.Silos[best.Key]} hosts {best.Count()} of 48 candidate keys; the workload uses {string.Join(", ", keys)}");
        return (best.Key, keys);
    }

    /// <summary>Checks, right before the fault, that every key is still on the victim (so the fault hits them).</summary>
    private async Task AssertKeysOnSiloAsync(PlatformApiClient api, string ns, IEnumerable<string> keys, int silo)
    {
        foreach (var key in keys)
        {
            var at = await SiloOfKeyAsync(api, ns, key);
            Assert.True(at == silo, $"{ns}/{key} moved from silo {silo} to silo {at} before the fault");
        }
    }

    /// <summary>The index of the silo hosting <paramref name="key"/>'s shard.</summary>
    private async Task<int> SiloOfKeyAsync(PlatformApiClient api, string ns, string key)
    {
        var location = (await api.LocateAsync(ns, key)).Ok();
        return cluster.Silos.Single(s => ClusterView.AddressHasPort(location.Silo, s.SiloPort)).Index;
    }

    /// <summary>Each key's history checked for linearizability (unknown reads left out); the failures, and the figures printed.</summary>
    private List<string> CheckRegisters(RegisterWorkload registers, string run)
    {
        var failures = new List<string>();
        var historyFile = Path.Combine(cluster.LogDirectory, $"history-{registers.Namespace}-{run}.txt");
        Directory.CreateDirectory(cluster.LogDirectory);
        registers.History.WriteTo(historyFile);
        foreach (var key in registers.Keys)
        {
            var watch = Stopwatch.StartNew();
            var ops = registers.OperationsFor(key);
            var result = LinearizabilityChecker.Check(new RegisterModel(), ops);
            var all = registers.History.Operations().Where(o => o.Key == key).ToList();
            output.WriteLine($"{key}: {all.Count} operations ({all.Count(o => o.Succeeded)} ok, {all.Count(o => o.IsIndeterminate)} unknown; {ops.Count} checked): {result} in {watch.ElapsedMilliseconds} ms");
            if (!result.IsLinearizable)
            {
                failures.Add($"{key}: {result} (history in {historyFile})");
            }
        }

        return failures;
    }

    /// <summary>The fault touched the keys: operations on them were in flight across it and succeeded after the victim was declared Dead.</summary>
    private List<string> FaultMattered(RegisterWorkload registers, long faultAt, long deadAt, string fault)
    {
        var ops = registers.History.Operations();
        var across = FaultEvidence.InFlightAcross(ops, faultAt);
        output.WriteLine($"in flight across {fault}: {across.Count} operations ({string.Join("; ", across.Take(6).Select(o => $"{o.Key} {o.Input} -> {(o.Succeeded ? o.Output!.ToString() : o.Error ?? "no answer")}"))})");
        var failures = new List<string>();
        if (across.Count == 0)
        {
            failures.Add($"no operation on the victim's keys was in flight across {fault}");
        }

        foreach (var key in registers.Keys.Where(k => SucceededAfter(registers, k, deadAt) == 0))
        {
            failures.Add($"no operation on {key} succeeded after the victim was declared Dead");
        }

        return failures;
    }
}
