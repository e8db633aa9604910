using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Client;
using Platform.Discovery;

namespace Platform.Bench.Load.Discovery;

/// <summary>
/// The discovery benchmark: <c>setup</c> (services × instances over HTTP), <c>resolve-http</c> (GET .../resolve),
/// <c>handler</c> (picks by <see cref="ServiceBalancer"/> alone, then whole requests through the
/// <c>AddPlatformServiceDiscovery()</c> handler chain ending in a handler that never touches the network),
/// <c>watch</c> (a registry change to a typed-client watcher seeing it) and <c>etcd-watch</c> (the same on etcd:
/// lease-backed keys and a watch per service prefix over its JSON gateway). One RESULT line each.
/// </summary>
internal static class DiscoveryBench
{
    public static string Service(int s) => "bsvc-" + s.ToString("D3", CultureInfo.InvariantCulture);

    public static async Task<int> SetupAsync(Uri url, int services, int instances, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = url };
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, instances), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
        {
            using var answer = await http.PutAsJsonAsync($"/v1/services/{Service(i % services)}/instances/i{i / services}", new { address = "127.0.0.1", port = 10000 + i, weight = 1 + (i % 3) }, token);
            answer.EnsureSuccessStatusCode();
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT target=discovery-setup instances={instances} services={services} seconds={Stopwatch.GetElapsedTime(started).TotalSeconds:F1}"));
        return 0;
    }

    public static async Task<int> ResolveHttpAsync(Uri url, int services, int concurrency, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = url };
        async Task<bool> Call(int n)
        {
            using var answer = await http.GetAsync(new Uri($"/v1/services/{Service(n % services)}/resolve?strategy=weighted", UriKind.Relative), ct);
            await answer.Content.ReadAsByteArrayAsync(ct);
            return answer.StatusCode == HttpStatusCode.OK;
        }

        await ClosedLoopAsync(concurrency, warmup, Call, ct);
        var (total, failed, hist) = await ClosedLoopAsync(concurrency, duration, Call, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT target=resolve-http ops_per_s={total / duration.TotalSeconds:F0} p50_ms={hist.PercentileNanos(50) / 1e6:F3} p99_ms={hist.PercentileNanos(99) / 1e6:F3} errors={failed} concurrency={concurrency}"));
        return failed == 0 ? 0 : 1;
    }

    public static async Task<int> HandlerAsync(IReadOnlyDictionary<string, string?> settings, int services, int concurrency, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        using var host = await StartAsync(settings, http: true, ct);
        var discovery = host.Services.GetRequiredService<IServiceDiscovery>();

        // 1. The balancer alone over one service's cached list (20 instances), every strategy's hot path.
        var instances = (await discovery.GetAsync(Service(0), cancellationToken: ct)).Instances;
        // Every strategy is warmed up before any is measured: on a busy box tier-1 code arrives late, and the first
        // strategy measured would otherwise pay for the JIT of them all.
        var strategies = new[] { ResolveStrategy.RoundRobin, ResolveStrategy.Weighted, ResolveStrategy.LeastConnections, ResolveStrategy.ConsistentHash, ResolveStrategy.PowerOfTwo };
        var runs = strategies.Select(strategy => (Strategy: strategy, Balancer: new ServiceBalancer(),
            Requests: Enumerable.Range(0, 1024).Select(k => new ResolveRequest { Strategy = strategy, Key = "user-" + k.ToString(CultureInfo.InvariantCulture) }).ToArray())).ToArray();
        for (var round = 0; round < 4; round++)
        {
            foreach (var (_, balancer, requests) in runs)
            {
                PickFor(balancer, instances, requests, TimeSpan.FromSeconds(0.25));
            }
        }

        foreach (var (strategy, balancer, requests) in runs)
        {
            // Five 0.5 s windows: the median is the figure; on a shared box the best one shows the code's own speed.
            var rates = new double[5];
            for (var w = 0; w < rates.Length; w++)
            {
                rates[w] = PickFor(balancer, instances, requests, TimeSpan.FromSeconds(0.5));
            }

            Array.Sort(rates);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT target=balancer-pick strategy={DiscoveryRules.StrategyName(strategy)} picks_per_s={rates[2]:F0} best_picks_per_s={rates[^1]:F0} threads=1 instances={instances.Count} (median and best of five 0.5 s windows; each pick followed by its report)"));
        }

        // 2. Whole requests through the handler chain (resilience pipeline, ME.ServiceDiscovery resolver over the
        // pushed cache, balancing, per-instance breaker), ending in a primary handler that answers at once.
        var factory = host.Services.GetRequiredService<IHttpClientFactory>();
        using var client = factory.CreateClient("bench");
        var uris = Enumerable.Range(0, services).Select(s => new Uri($"http://{Service(s)}/work")).ToArray();
        async Task<bool> Call(int n)
        {
            using var answer = await client.GetAsync(uris[n % services], ct);
            return answer.StatusCode == HttpStatusCode.OK;
        }

        await ClosedLoopAsync(concurrency, warmup, Call, ct);
        var (total, failed, hist) = await ClosedLoopAsync(concurrency, duration, Call, ct);
        var primary = host.Services.GetRequiredService<NoNetworkHandler.Counter>();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT target=handler-request ops_per_s={total / duration.TotalSeconds:F0} p50_ms={hist.PercentileNanos(50) / 1e6:F4} p99_ms={hist.PercentileNanos(99) / 1e6:F4} errors={failed} concurrency={concurrency} distinct_instances={primary.Distinct} registry_calls_per_request=0"));
        return failed == 0 ? 0 : 1;
    }

    public static async Task<int> WatchAsync(IReadOnlyDictionary<string, string?> settings, int services, int instancesPerService, int samples, CancellationToken ct)
    {
        using var host = await StartAsync(settings, http: false, ct);
        var discovery = host.Services.GetRequiredService<IServiceDiscovery>();
        var seen = new ConcurrentDictionary<int, long>();
        var run = Guid.NewGuid().ToString("N");   // each run's registrations differ from the last run's: each is a change
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ready = new CountdownEvent(services);
        var watchers = Enumerable.Range(0, services).Select(s => Task.Run(async () =>
        {
            var first = true;
            try
            {
                await foreach (var e in discovery.WatchAsync(Service(s), cancellationToken: stop.Token))
                {
                    var now = Stopwatch.GetTimestamp();
                    if (first)
                    {
                        first = false;
                        ready.Signal();
                    }

                    if (e.Change?.Instance?.Registration.Metadata.TryGetValue("seq", out var seq) == true)
                    {
                        seen.TryAdd(int.Parse(seq, CultureInfo.InvariantCulture), now);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        })).ToArray();
        ready.Wait(ct);
        var measured = await MeasureAsync(samples, seen, async i =>
            await discovery.RegisterAsync(Service(i % services), "i" + ((i / services) % instancesPerService).ToString(CultureInfo.InvariantCulture), new ServiceRegistration
            {
                Address = "127.0.0.1",
                Port = 10000 + i,
                Metadata = new Dictionary<string, string> { ["seq"] = i.ToString(CultureInfo.InvariantCulture), ["run"] = run },
            }, cancellationToken: ct), ct);
        await stop.CancelAsync();
        await Task.WhenAll(watchers);
        Report("watch-platform", measured, samples, services);
        return 0;
    }

    public static async Task<int> EtcdWatchAsync(Uri endpoint, int services, int instancesPerService, int samples, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = endpoint, Timeout = Timeout.InfiniteTimeSpan };
        using var lease = await Post(http, "/v3/lease/grant", """{"TTL":600}""", ct);
        var leaseId = lease.RootElement.GetProperty("ID").GetString();
        string Key(int s, int i) => $"svc/{Service(s)}/i{i}";
        await Parallel.ForEachAsync(Enumerable.Range(0, services * instancesPerService), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (n, token) =>
        {
            using var _ = await Post(http, "/v3/kv/put", $$"""{"key":"{{B64(Key(n % services, n / services))}}","value":"{{B64("127.0.0.1:" + (10000 + n).ToString(CultureInfo.InvariantCulture))}}","lease":"{{leaseId}}"}""", token);
        });

        var seen = new ConcurrentDictionary<int, long>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ready = new CountdownEvent(services);
        var watchers = Enumerable.Range(0, services).Select(s => Task.Run(async () =>
        {
            var prefix = $"svc/{Service(s)}/";
            var end = prefix[..^1] + (char)('/' + 1);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v3/watch")
            {
                Content = new StringContent($$$"""{"create_request":{"key":"{{{B64(prefix)}}}","range_end":"{{{B64(end)}}}"}}""", Encoding.UTF8, "application/json"),
            };
            try
            {
                using var answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                using var body = new StreamReader(await answer.Content.ReadAsStreamAsync(stop.Token));
                var first = true;
                while (await body.ReadLineAsync(stop.Token) is { } line)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (first)
                    {
                        first = false;
                        ready.Signal();   // the created response
                    }

                    using var doc = JsonDocument.Parse(line);
                    if (doc.RootElement.GetProperty("result").TryGetProperty("events", out var events))
                    {
                        foreach (var e in events.EnumerateArray())
                        {
                            var value = Encoding.UTF8.GetString(Convert.FromBase64String(e.GetProperty("kv").GetProperty("value").GetString()!));
                            if (value.StartsWith("seq=", StringComparison.Ordinal))
                            {
                                seen.TryAdd(int.Parse(value[4..value.IndexOf(';', StringComparison.Ordinal)], CultureInfo.InvariantCulture), now);
                            }
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
            {
            }
        })).ToArray();
        ready.Wait(ct);
        var measured = await MeasureAsync(samples, seen, async i =>
        {
            var value = B64("seq=" + i.ToString(CultureInfo.InvariantCulture) + ";127.0.0.1:" + (10000 + i).ToString(CultureInfo.InvariantCulture));
            using var _ = await Post(http, "/v3/kv/put", $$"""{"key":"{{B64(Key(i % services, (i / services) % instancesPerService))}}","value":"{{value}}","lease":"{{leaseId}}"}""", ct);
        }, ct);
        await stop.CancelAsync();
        await Task.WhenAll(watchers);
        Report("watch-etcd", measured, samples, services);
        return 0;
    }

    // Picks (each followed by its report) for `length`; answers picks per second.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double PickFor(ServiceBalancer balancer, IReadOnlyList<ServiceInstance> instances, ResolveRequest[] requests, TimeSpan length)
    {
        long picks = 0;
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < length)
        {
            for (var i = 0; i < requests.Length; i++)
            {
                var picked = balancer.Pick(instances, requests[i])!;
                balancer.Report(picked.Id, 1.0);
            }

            picks += requests.Length;
        }

        return picks / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    // `concurrency` closed-loop workers for `length`: worker w makes calls w, w + concurrency, ...; each call answers whether it succeeded.
    private static async Task<(long Ops, long Errors, LatencyHistogram Latency)> ClosedLoopAsync(int concurrency, TimeSpan length, Func<int, Task<bool>> call, CancellationToken ct)
    {
        var until = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        var results = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var latency = new LatencyHistogram();
            long ops = 0, errors = 0;
            for (var n = w; Stopwatch.GetTimestamp() < until; n += concurrency)
            {
                var start = Stopwatch.GetTimestamp();
                var ok = await call(n);
                latency.RecordSince(start);
                ops++;
                errors += ok ? 0 : 1;
            }

            return (ops, errors, latency);
        }, ct)));
        var all = new LatencyHistogram();
        foreach (var r in results)
        {
            all.Add(r.latency);
        }

        return (results.Sum(r => r.ops), results.Sum(r => r.errors), all);
    }

    // One change at a time: start the write, wait until a watcher saw it; the delay runs from the write's start. The
    // write's own answer time (ack) is kept too: a delay close to it means the time goes in the write, not the push.
    private static async Task<(List<double> Delays, List<double> Acks)> MeasureAsync(int samples, ConcurrentDictionary<int, long> seen, Func<int, Task> write, CancellationToken ct)
    {
        var delays = new List<double>(samples);
        var acks = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await write(i);
            acks.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            var deadline = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
            long at;
            while (!seen.TryGetValue(i, out at) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Yield();
            }

            if (at != 0)
            {
                delays.Add((at - start) * 1000.0 / Stopwatch.Frequency);
            }
        }

        return (delays, acks);
    }

    private static void Report(string target, (List<double> Delays, List<double> Acks) measured, int samples, int services)
    {
        var (delays, acks) = measured;
        delays.Sort();
        acks.Sort();
        static double P(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT target={target} samples={delays.Count} missed={samples - delays.Count} p50_ms={P(delays, 50):F2} p99_ms={P(delays, 99):F2} max_ms={(delays.Count > 0 ? delays[^1] : double.NaN):F2} ack_p50_ms={P(acks, 50):F2} ack_p99_ms={P(acks, 99):F2} watchers={services}"));
    }

    private static async Task<IHost> StartAsync(IReadOnlyDictionary<string, string?> settings, bool http, CancellationToken ct)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddEnvironmentVariables().AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddPlatformClusterClient();
        builder.Services.AddPlatformClient(builder.Configuration);
        if (http)
        {
            builder.Services.AddSingleton<NoNetworkHandler.Counter>();
            builder.Services.AddPlatformServiceDiscovery();
            builder.Services.AddHttpClient("bench").ConfigurePrimaryHttpMessageHandler(sp => new NoNetworkHandler(sp.GetRequiredService<NoNetworkHandler.Counter>()));
        }

        var host = builder.Build();
        await host.StartAsync(ct);
        return host;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static async Task<JsonDocument> Post(HttpClient http, string path, string body, CancellationToken ct)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var answer = await http.PostAsync(path, content, ct);
        var text = await answer.Content.ReadAsStringAsync(ct);
        return answer.IsSuccessStatusCode ? JsonDocument.Parse(text) : throw new InvalidOperationException($"etcd {path}: {(int)answer.StatusCode} {text}");
    }
}
