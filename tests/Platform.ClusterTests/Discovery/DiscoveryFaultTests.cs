using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Platform.ClusterTests.Cluster;
using Platform.ClusterTests.Harness;
using Platform.Testing.Http;
using Platform.Testing.Waiting;
using Xunit.Abstractions;

namespace Platform.ClusterTests.Discovery;

/// <summary>
/// docs/discovery.md on real silo processes (PostgreSQL membership, Azure Table storage): checks, registrations and
/// TTLs across the SIGKILL of a checker's silo, and a watch across the SIGKILL and restart of the client host.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class DiscoveryFaultTests(ThreeSiloCluster cluster, ITestOutputHelper output)
{
    private const int IntervalMs = 500;
    private const int TimeoutMs = 500;
    private const int Fall = 2;

    private static string Name(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static object Checked(int port) => new
    {
        address = "127.0.0.1",
        port,
        check = new { http = "/healthz", intervalMs = IntervalMs, timeoutMs = TimeoutMs, rise = 2, fall = Fall },
    };

    /// <summary>
    /// SIGKILL the silo running checkers of a service: their checks resume on a live silo within the measured failure
    /// detection plus the sweep's quiet window (2 × interval + timeout) and one interval; every registration survives; a
    /// TTL registration nobody renews still leaves on time and a renewed one stays. The recorded health history never
    /// shows an instance passing while its stub was down for longer than fall × (interval + timeout) plus that bound.
    /// </summary>
    [Fact]
    public Task CheckerSiloKilled_ChecksResumeElsewhere_RegistrationsSurvive_TtlsKeepCounting() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        var api = cluster.Api;
        var service = Name("fd");
        var stubs = Enumerable.Range(0, 9).Select(_ => new HealthStub()).ToList();
        try
        {
            for (var i = 0; i < stubs.Count; i++)
            {
                (await api.RegisterInstanceAsync(service, $"c{i}", Checked(stubs[i].Port))).ExpectSuccess();
            }

            (await api.RegisterInstanceAsync(service, "ttl-renewed", new { address = "127.0.0.1", port = 1, ttlMs = 20_000 })).ExpectSuccess();
            var first = await Eventually.Until(ct => Observe(api, service, ct), h => h.Count(o => o.Instance.StartsWith('c') && o.Health == "passing" && o.CheckedBy is not null) == stubs.Count,
                "every checked instance passing", new EventuallyOptions { Timeout = TimeSpan.FromSeconds(60), Interval = TimeSpan.FromMilliseconds(200) });

            // The victim: the silo running c0's checker; the instances checked there, one of them (c0) goes down at the kill.
            var victim = cluster.Silos.First(s => first.Single(o => o.Instance == "c0").CheckedBy!.Contains($":{s.SiloPort}:", StringComparison.Ordinal)).Index;
            var victimPort = cluster.Silos[victim].SiloPort;
            var onVictim = first.Where(o => o.CheckedBy is { } by && by.Contains($":{victimPort}:", StringComparison.Ordinal)).Select(o => o.Instance).ToList();
            output.WriteLine($"victim silo {victim} ran the checkers of {string.Join(", ", onVictim)}; spread: {string.Join("; ", first.Where(o => o.CheckedBy is not null).GroupBy(o => o.CheckedBy).Select(g => $"{g.Key}: {g.Count()}"))}");

            // Reads and renewals as a real client sends them: each with a timeout well inside the TTLs, so one caught by
            // the kill (its call waits on the dead silo until Orleans' 30 s response timeout) is abandoned and the next goes through.
            var timely = api.With(new PlatformApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(3) });
            var history = new ConcurrentQueue<HealthObservation>();
            var heartbeats = new ConcurrentQueue<(DateTimeOffset At, int Status)>();
            using var stop = new CancellationTokenSource();
            var recorder = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (var o in await Observe(timely, service, CancellationToken.None))
                    {
                        history.Enqueue(o);
                    }

                    await Task.Delay(100, CancellationToken.None);
                }
            });
            var renewer = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var answer = await timely.HeartbeatInstanceAsync(service, "ttl-renewed", cancellationToken: CancellationToken.None);
                    heartbeats.Enqueue((DateTimeOffset.UtcNow, (int)answer.StatusCode));
                    await Task.Delay(1000, CancellationToken.None);
                }
            });

            (await api.RegisterInstanceAsync(service, "ttl-quiet", new { address = "127.0.0.1", port = 2, ttlMs = 8_000 })).ExpectSuccess();
            var quietRegistered = DateTimeOffset.UtcNow;
            stubs[0].Healthy = false;
            var killedAt = DateTimeOffset.UtcNow;
            cluster.KillSilo(victim);
            await cluster.WaitForViewAsync(v => !v.IsActive(victimPort), "the killed silo to leave the view");
            var detection = DateTimeOffset.UtcNow - killedAt;

            // Checks resume: a probe after the kill by another silo, for every instance the victim checked.
            var resumed = await Eventually.Until(
                _ => Task.FromResult(onVictim.Select(id => history.Where(o => o.Instance == id && o.LastCheckAt > killedAt && o.CheckedBy is { } by && !by.Contains($":{victimPort}:", StringComparison.Ordinal))
                    .Select(o => (DateTimeOffset?)o.LastCheckAt).Min()).ToList()),
                r => r.All(t => t is not null), "the victim's checks to resume on a live silo", new EventuallyOptions { Timeout = TimeSpan.FromSeconds(90) });
            var resumption = resumed.Max(t => t!.Value) - killedAt;
            await Eventually.Until(() => history.Any(o => o.Instance == "c0" && o.Health == "critical" && o.Answered > killedAt), "c0 (its stub down) to turn critical", TimeSpan.FromSeconds(60));
            stubs[0].Healthy = true;
            await Eventually.Until(() => history.Any(o => o.Instance == "c0" && o.Health == "passing" && o.Sent > stubs[0].Transitions[^1].At), "c0 to pass again (rise)", TimeSpan.FromSeconds(60));
            await Eventually.Until(() => history.Any(h => h.Instance == "ttl-quiet") && history.Any(o => o.Sent > quietRegistered.AddMilliseconds(8_000) && !history.Any(h => h.Instance == "ttl-quiet" && h.Sent >= o.Sent)), "ttl-quiet to be listed, then to expire", TimeSpan.FromSeconds(60));
            await Task.Delay(1500);   // a few more reads after the expiry (the recorder's cadence, not a wait for an outcome)
            await stop.CancelAsync();
            await Task.WhenAll(recorder, renewer);

            var quietLastSeen = history.Where(o => o.Instance == "ttl-quiet").Max(o => o.Sent);
            var bound = detection + TimeSpan.FromMilliseconds((2 * IntervalMs) + TimeoutMs + IntervalMs + 250 + 1000);
            var staleBound = TimeSpan.FromMilliseconds(Fall * (IntervalMs + TimeoutMs)) + bound;
            var stale = HealthHistoryChecker.StalePassing(history, stubs.Select((s, i) => (Id: $"c{i}", s.Transitions)).ToDictionary(x => x.Id, x => x.Transitions), staleBound);
            var final = await Observe(api, service, CancellationToken.None);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"detection {detection.TotalMilliseconds:F0} ms; checks resumed elsewhere after {resumption.TotalMilliseconds:F0} ms (bound {bound.TotalMilliseconds:F0} ms); {history.Count} observations; ttl-quiet last listed {(quietLastSeen - quietRegistered).TotalMilliseconds:F0} ms after registering (ttl 8000); heartbeats {string.Join(",", heartbeats.Select(h => h.Status))}"));

            Assert.Empty(stale);
            Assert.True(resumption <= bound, $"checks resumed {resumption.TotalMilliseconds:F0} ms after the kill, bound {bound.TotalMilliseconds:F0} ms");
            Assert.Equal(Enumerable.Range(0, stubs.Count).Select(i => $"c{i}").Append("ttl-renewed").Order(StringComparer.Ordinal), final.Select(o => o.Instance).Order(StringComparer.Ordinal));
            Assert.True(quietLastSeen <= quietRegistered.AddMilliseconds(8_000 + 1_000), $"ttl-quiet listed {(quietLastSeen - quietRegistered).TotalMilliseconds:F0} ms after registering, TTL 8000 ms");
            Assert.True(quietLastSeen >= killedAt, "ttl-quiet was listed after the kill (it survived until its TTL)");
        }
        finally
        {
            stubs.ForEach(s => s.Dispose());
        }
    });

    /// <summary>
    /// An SSE watch on the client host, the client host SIGKILLed while changes go on through a second client host,
    /// restarted, and the watch resumed with Last-Event-ID: every change arrives once and in index order, none missing,
    /// no reset, each as the blocking query lists it.
    /// </summary>
    [Fact]
    public Task Watch_AcrossAClientHostRestart_DeliversEachChangeOnceInOrder() => cluster.RunAsync(output, async () =>
    {
        await cluster.EnsureHealthyAsync();
        using var other = await cluster.StartPinnedClientHostAsync(1);
        var service = Name("watch");
        (await cluster.Api.RegisterInstanceAsync(service, "a", new { address = "127.0.0.1", port = 1 })).ExpectSuccess();
        var start = (await cluster.Api.GetServiceAsync(service)).ExpectSuccess().Json().GetProperty("index").GetInt64();
        var events = new List<(string Event, long Id, JsonElement Data)>();

        async Task<long> Follow(long after, long until)
        {
            using var cut = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await foreach (var e in cluster.Api.WatchServiceAsync(service, lastEventId: after, cancellationToken: cut.Token))
            {
                events.Add(e);
                if (e.Id >= until)
                {
                    return e.Id;
                }
            }

            return events.Count > 0 ? events[^1].Id : after;
        }

        for (var i = 0; i < 5; i++)
        {
            (await cluster.Api.RegisterInstanceAsync(service, $"w{i}", new { address = "127.0.0.1", port = 100 + i })).ExpectSuccess();
        }

        var seen = await Follow(start, start + 5);
        cluster.ClientHost!.Kill();
        for (var i = 0; i < 5; i++)
        {
            (await other.Api.RegisterInstanceAsync(service, $"x{i}", new { address = "127.0.0.1", port = 200 + i })).ExpectSuccess();
        }

        (await other.Api.DeregisterInstanceAsync(service, "w0")).ExpectSuccess();
        await cluster.EnsureHealthyAsync();   // restarts the client host
        var end = (await cluster.Api.GetServiceAsync(service)).ExpectSuccess().Json().GetProperty("index").GetInt64();
        await Follow(seen, end);

        var expected = (await cluster.Api.GetServiceAsync(service, start)).ExpectSuccess().Json().GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("index").GetInt64(), c.GetProperty("id").GetString())).ToList();
        output.WriteLine($"watch from {start}: {events.Count} events up to {end}, kinds {string.Join(",", events.Select(e => e.Event).Distinct())}");
        Assert.All(events, e => Assert.Equal("change", e.Event));
        Assert.Equal(Enumerable.Range((int)start + 1, (int)(end - start)).Select(i => (long)i), events.Select(e => e.Id));
        Assert.Equal(expected, events.Select(e => (e.Data.GetProperty("index").GetInt64(), e.Data.GetProperty("id").GetString())));
    });

    private static async Task<List<HealthObservation>> Observe(Platform.Testing.Http.PlatformApiClient api, string service, CancellationToken cancellationToken)
    {
        var sent = DateTimeOffset.UtcNow;
        var answer = await api.GetServiceAsync(service, cancellationToken: cancellationToken);
        var answered = DateTimeOffset.UtcNow;
        if (!answer.IsSuccess)
        {
            return [];
        }

        return [.. answer.Json().GetProperty("instances").EnumerateArray().Select(i => new HealthObservation(
            sent,
            answered,
            i.GetProperty("id").GetString()!,
            i.GetProperty("health").GetString()!.ToLowerInvariant(),
            i.TryGetProperty("checkedBy", out var by) && by.ValueKind == JsonValueKind.String ? by.GetString() : null,
            i.TryGetProperty("lastCheckAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : null))];
    }
}
