using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Platform.Bench.Load;
using Platform.Bench.Load.Locks;
using Platform.Testing.Http;

namespace Platform.Bench.Commands;

/// <summary>
/// <c>locks</c>: acquire+release pairs (each worker its own lock), contended hand-overs (all workers on one lock),
/// and PUT with/without <c>Platform-Fence</c>, against Platform's HTTP API, redis (SET NX PX + Lua release) or etcd
/// (v3lock over its JSON gateway). Prints human lines and one RESULT line.
/// </summary>
internal static class LocksCommand
{
    private enum Target
    {
        Platform,
        Redis,
        Etcd,
    }

    public static Command Create()
    {
        var target = new Option<Target>("--target") { Description = "platform (HTTP API), redis (RESP) or etcd (JSON gateway).", DefaultValueFactory = _ => Target.Platform };
        var scenario = new Option<LockScenario>("--scenario") { Description = "uncontended, contended, put or fencedput (the last two: platform only).", DefaultValueFactory = _ => LockScenario.Uncontended };
        var url = new Option<string>("--url") { Description = "platform: the client host's base URL; etcd: the client URL.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var redis = new Option<string>("--redis") { Description = "redis host:port.", DefaultValueFactory = _ => "127.0.0.1:6379" };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Workers (closed loop, one operation in flight each).", DefaultValueFactory = _ => 1 };
        var duration = new Option<double>("--duration", "-d") { Description = "Measured seconds.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of unmeasured load first.", DefaultValueFactory = _ => 2 };
        var leaseMs = new Option<int>("--lease-ms") { Description = "Lease of each grant (platform leaseMs, redis PX).", DefaultValueFactory = _ => 10_000 };
        var waitMs = new Option<int>("--wait-ms") { Description = "contended, platform: waitMs of each acquire (redis has no wait: it retries at once).", DefaultValueFactory = _ => 5_000 };
        var prefix = new Option<string>("--name-prefix") { Description = "Prefix of lock names and keys (default: unique per run).", DefaultValueFactory = _ => $"b{Environment.ProcessId}x{Stopwatch.GetTimestamp() % 100_000}-" };
        var valueSize = new Option<int>("--value-size") { Description = "put/fencedput: value size in bytes.", DefaultValueFactory = _ => 100 };
        var keys = new Option<int>("--keys") { Description = "put/fencedput: distinct keys, picked uniformly at random.", DefaultValueFactory = _ => 1000 };
        var ns = new Option<string>("--namespace", "-n") { Description = "put/fencedput: namespace.", DefaultValueFactory = _ => "default" };
        var serverPid = new Option<int>("--server-pid") { Description = "PID of the server process on this machine: also report its CPU time per operation." };

        var command = new Command("locks", "Lock acquire+release pairs, contended hand-overs and fenced PUTs against Platform, redis or etcd.")
        {
            target, scenario, url, redis, concurrency, duration, warmup, leaseMs, waitMs, prefix, valueSize, keys, ns, serverPid,
        };
        foreach (var option in new[] { concurrency, leaseMs, valueSize, keys })
        {
            option.AtLeast(1);
        }

        command.SetAction(async (result, ct) =>
        {
            var run = new Run(
                result.GetValue(target), result.GetValue(scenario), result.GetValue(concurrency),
                TimeSpan.FromSeconds(result.GetValue(duration)), TimeSpan.FromSeconds(result.GetValue(warmup)),
                result.GetValue(leaseMs), result.GetValue(waitMs), result.GetRequiredValue(prefix),
                result.GetValue(valueSize), result.GetValue(keys), result.GetRequiredValue(ns), result.GetValue(serverPid));
            if (run.Duration <= TimeSpan.Zero || run.Warmup < TimeSpan.Zero || run.WaitMs < 0)
            {
                await Console.Error.WriteLineAsync("--duration must be positive; --warmup and --wait-ms must not be negative.");
                return 2;
            }

            if (run.Scenario is LockScenario.Put or LockScenario.FencedPut && run.Target != Target.Platform)
            {
                await Console.Error.WriteLineAsync("--scenario put/fencedput needs --target platform.");
                return 2;
            }

            return await RunAsync(run, result.GetRequiredValue(url), result.GetRequiredValue(redis), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(Run run, string url, string redis, CancellationToken ct)
    {
        var clients = new ILockClient[run.Concurrency];
        PlatformLockClient? platform = null;
        HttpClient? etcdHttp = null;
        try
        {
            switch (run.Target)
            {
                case Target.Platform:
                    platform = new PlatformLockClient(new Uri(url), run.Concurrency, run.LeaseMs);
                    Array.Fill(clients, platform);
                    break;
                case Target.Redis:
                    var (host, port) = HostPort(redis);
                    for (var i = 0; i < clients.Length; i++)
                    {
                        clients[i] = await RedisLockClient.ConnectAsync(host, port, run.LeaseMs, ct);
                    }

                    break;
                case Target.Etcd:
                    etcdHttp = PooledHttp.Create(new Uri(url), run.Concurrency, TimeSpan.FromSeconds(60));
                    for (var i = 0; i < clients.Length; i++)
                    {
                        clients[i] = await EtcdLockClient.ConnectAsync(etcdHttp, ct);
                    }

                    break;
            }

            var result = run.Scenario switch
            {
                LockScenario.Uncontended => await LockLoop.RunAsync(run.Concurrency, run.Warmup, run.Duration, run.ServerPid,
                    (w, c) => UncontendedAsync(w, clients[w.Index], $"{run.Prefix}u{w.Index}", c), ct),
                LockScenario.Contended => await LockLoop.RunAsync(run.Concurrency, run.Warmup, run.Duration, run.ServerPid,
                    (w, c) => ContendedAsync(w, clients[w.Index], $"{run.Prefix}c", run.WaitMs, run.Target == Target.Platform, c), ct),
                _ => await PutAsync(run, platform!, ct),
            };
            Print(run, result);
            return result.Operations > 0 && result.TokenViolations == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var client in clients.Where(c => c is not null).Distinct())
            {
                await client.DisposeAsync();
            }

            etcdHttp?.Dispose();
        }
    }

    private static async Task UncontendedAsync(LockWorker worker, ILockClient client, string name, CancellationToken ct)
    {
        for (var n = 0L; !worker.IsStopped; n++)
        {
            var phase = worker.Phase;
            var owner = $"w{worker.Index}-{n}";
            var start = Stopwatch.GetTimestamp();
            try
            {
                var token = await client.TryAcquireAsync(name, owner, 0, ct)
                    ?? throw new InvalidOperationException($"acquire of the uncontended lock {name} was refused");
                await ReleaseAndRecordAsync(worker, client, name, owner, token, phase, start, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                worker.Error(phase, ex);
            }
        }
    }

    private static async Task ContendedAsync(LockWorker worker, ILockClient client, string name, int waitMs, bool hasTokens, CancellationToken ct)
    {
        for (var n = 0L; !worker.IsStopped; n++)
        {
            var phase = worker.Phase;
            var owner = $"w{worker.Index}-{n}";
            var start = Stopwatch.GetTimestamp();
            try
            {
                long? token;
                while ((token = await client.TryAcquireAsync(name, owner, waitMs, ct)) is null && !worker.IsStopped)
                {
                    worker.Retry(phase);
                }

                if (token is not { } granted)
                {
                    return;
                }

                // Recorded before the release is sent: the next grant can only happen after it.
                if (hasTokens)
                {
                    worker.Grant(granted);
                }

                await ReleaseAndRecordAsync(worker, client, name, owner, granted, phase, start, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                worker.Error(phase, ex);
            }
        }
    }

    /// <summary>Records the acquire (started at <paramref name="start"/>), releases, and records the release and the pair.</summary>
    private static async Task ReleaseAndRecordAsync(LockWorker worker, ILockClient client, string name, string owner, long token, int phase, long start, CancellationToken ct)
    {
        worker.Record(worker.Acquire, phase, start);
        var released = Stopwatch.GetTimestamp();
        await client.ReleaseAsync(name, owner, token, ct);
        worker.Record(worker.Release, phase, released);
        worker.Record(worker.Total, phase, start);
    }

    private static async Task<LockLoopResult> PutAsync(Run run, PlatformLockClient platform, CancellationToken ct)
    {
        var value = new byte[run.ValueSize];
        new Random(42).NextBytes(value);
        (string Lock, long Token)? fence = null;
        var lockName = $"{run.Prefix}f";
        long token = 0;
        // The fencing lock is held for the whole run: its lease covers warm-up, measurement and a margin.
        var fenceLeaseMs = (int)Math.Min(300_000, Math.Max(run.LeaseMs, (run.Warmup + run.Duration).TotalMilliseconds + 60_000));
        await using var holder = new PlatformLockClient(platform.BaseAddress, 1, fenceLeaseMs);
        if (run.Scenario == LockScenario.FencedPut)
        {
            token = await holder.TryAcquireAsync(lockName, "bench-fence", 0, ct)
                ?? throw new InvalidOperationException($"could not acquire {lockName} for the fenced PUTs");
            fence = (lockName, token);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"holding {lockName} with token {token} (lease {fenceLeaseMs} ms); every PUT carries Platform-Fence: {lockName}:{token}"));
        }

        var result = await LockLoop.RunAsync(run.Concurrency, run.Warmup, run.Duration, run.ServerPid, async (worker, c) =>
        {
            var random = new Random(worker.Index);
            while (!worker.IsStopped)
            {
                var phase = worker.Phase;
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await platform.PutAsync(run.Namespace, $"{run.Prefix}k{random.Next(run.Keys):D5}", value, fence, c);
                    worker.Record(worker.Total, phase, start);
                }
                catch (Exception ex) when (!c.IsCancellationRequested)
                {
                    worker.Error(phase, ex);
                }
            }
        }, ct);

        if (fence is not null)
        {
            try
            {
                await holder.ReleaseAsync(lockName, "bench-fence", token, ct);
            }
            catch (PlatformApiException ex)
            {
                Console.WriteLine($"  warning: releasing {lockName} failed ({ex.Message}); its lease runs out");
            }
        }

        return result;
    }

    private static void Print(Run run, LockLoopResult r)
    {
        static string Ms(LatencyHistogram h, double p) => (h.PercentileNanos(p) / 1e6).ToString("F3", CultureInfo.InvariantCulture);
        var unit = run.Scenario switch
        {
            LockScenario.Uncontended => "pairs",
            LockScenario.Contended => "hand-overs",
            _ => "PUTs",
        };
        var target = run.Target.ToString().ToLowerInvariant();
        var scenario = run.Scenario.ToString().ToLowerInvariant();
        var tokens = r.GrantsChecked > 0
            ? string.Create(CultureInfo.InvariantCulture, $"tokens: {r.GrantsChecked} grants in arrival order, {r.TokenViolations} not strictly increasing, {r.TokenGaps} gaps")
            : "tokens: none checked";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            locks {target} {scenario}: {r.OpsPerSecond:F0} {unit}/s over {r.Elapsed.TotalSeconds:F1} s ({r.Operations} ops, {r.Errors} errors, {r.Retries} refused attempts = {r.RetriesPerSecond:F0}/s)
              concurrency {run.Concurrency}, lease {run.LeaseMs} ms{(run.Scenario == LockScenario.Contended && run.Target == Target.Platform ? $", waitMs {run.WaitMs}" : "")}
              latency per op p50 {Ms(r.Total, 50)} ms, p99 {Ms(r.Total, 99)} ms, max {r.Total.MaxNanos / 1e6:F3} ms{(r.Acquire.Count > 0 ? $"; acquire p50 {Ms(r.Acquire, 50)} / p99 {Ms(r.Acquire, 99)} ms; release p50 {Ms(r.Release, 50)} / p99 {Ms(r.Release, 99)} ms" : "")}
              {tokens}
              cpu per op: driver {r.DriverCpuMicrosPerOp:F1} us{(r.ServerCpuMicrosPerOp is { } s ? $", server {s:F1} us" : "")}
            """));
        if (r.FirstError is { } error)
        {
            Console.WriteLine($"  first error: {error}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT target={target} scenario={scenario} concurrency={run.Concurrency} duration_s={r.Elapsed.TotalSeconds:F2} ops={r.Operations} errors={r.Errors} ops_per_s={r.OpsPerSecond:F1} p50_ms={Ms(r.Total, 50)} p99_ms={Ms(r.Total, 99)} max_ms={r.Total.MaxNanos / 1e6:F3} acquire_p50_ms={Ms(r.Acquire, 50)} acquire_p99_ms={Ms(r.Acquire, 99)} release_p50_ms={Ms(r.Release, 50)} release_p99_ms={Ms(r.Release, 99)} retries={r.Retries} retries_per_s={r.RetriesPerSecond:F1} grants_checked={r.GrantsChecked} token_violations={r.TokenViolations} token_gaps={r.TokenGaps} driver_cpu_us_per_op={r.DriverCpuMicrosPerOp:F1} server_cpu_us_per_op={(r.ServerCpuMicrosPerOp is { } cpu ? cpu.ToString("F1", CultureInfo.InvariantCulture) : "na")}"));
    }

    private static (string Host, int Port) HostPort(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? (text[..colon], port)
            : throw new ArgumentException($"--redis must be host:port (got '{text}')");
    }

    private sealed record Run(
        Target Target, LockScenario Scenario, int Concurrency, TimeSpan Duration, TimeSpan Warmup, int LeaseMs, int WaitMs,
        string Prefix, int ValueSize, int Keys, string Namespace, int ServerPid);
}
