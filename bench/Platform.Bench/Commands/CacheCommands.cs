using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Platform.Bench.Load.Caches;
using Platform.Caches;

namespace Platform.Bench.Commands;

/// <summary>
/// The cache benchmarks: <c>cache-http</c>, <c>cache-client</c> (with <c>--near</c>), <c>memcached</c> (load lines
/// like <c>kv-*</c>), <c>cache-near-hit</c> (the cost of a near-cache hit), <c>cache-push</c> (write on one client
/// host to invalidation in another's near cache) and <c>cache-zipf</c> (hit ratio of LRU and LFU).
/// </summary>
internal static class CacheCommands
{
    public static IEnumerable<Command> Create() => [Http(), Client(), Memcached(), NearHit(), Push(), Zipf()];

    private static Command Http()
    {
        var url = UrlOption.Create();
        var near = new Option<bool>("--near") { Description = "Use the cache with a near cache (the host's reads then come from its L1)." };
        var load = new LoadCommandOptions();
        var command = new Command("cache-http", "Drive GET or PUT /v1/caches/bench/entries/{key} over HTTP.") { url, near };
        load.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var options = load.Read(result);
            var withNear = result.GetValue(near);
            var target = await HttpCacheTarget.CreateAsync(result.GetRequiredValue(url), withNear ? BenchCaches.Near : BenchCaches.Plain, withNear, options.Concurrency, ct);
            return await LoadRunner.RunAsync(target, options, ct);
        });
        return command;
    }

    private static Command Client()
    {
        var gateway = new GatewayOptions();
        var near = new Option<bool>("--near") { Description = "Use the cache with a near cache: reads of copies never leave this process." };
        var load = new LoadCommandOptions();
        var command = new Command("cache-client", "Drive ICaches.GetAsync or SetAsync as an external Orleans client.") { near };
        gateway.AddTo(command);
        load.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var options = load.Read(result);
            var target = await ClientCacheTarget.ConnectAsync(gateway.Settings(result), result.GetValue(near), ct);
            return await LoadRunner.RunAsync(target, options, ct);
        });
        return command;
    }

    private static Command Memcached()
    {
        var port = new Option<int>("--port") { Description = "memcached's port on 127.0.0.1.", DefaultValueFactory = _ => 11211 };
        var load = new LoadCommandOptions();
        var command = new Command("memcached", "Drive memcached get or set (text protocol), one connection per operation in flight.") { port };
        load.AddTo(command);
        command.SetAction((result, ct) => LoadRunner.RunAsync(new MemcachedTarget("127.0.0.1", result.GetValue(port)), load.Read(result), ct));
        return command;
    }

    private static Command NearHit()
    {
        var gateway = new GatewayOptions();
        var operations = new Option<int>("--operations") { Description = "Reads per round.", DefaultValueFactory = _ => 2_000_000 };
        var keys = new Option<int>("--keys") { Description = "Distinct keys read in turn.", DefaultValueFactory = _ => 1_000 };
        var command = new Command("cache-near-hit", "Time ICaches.GetAsync answered from the near cache, one thread, 5 rounds.") { operations, keys };
        gateway.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var target = await ClientCacheTarget.ConnectAsync(gateway.Settings(result), near: true, ct);
            var caches = target.Caches;
            var names = Enumerable.Range(0, result.GetValue(keys)).Select(i => $"near-{i:D7}").ToArray();
            var value = new byte[100];
            foreach (var key in names)
            {
                await caches.SetAsync(BenchCaches.Near, key, value, null, ct);
                _ = await caches.GetAsync(BenchCaches.Near, key, ct);
                _ = await caches.GetAsync(BenchCaches.Near, key, ct);
            }

            var nearCache = ((DistributedCaches)caches).NearCacheOf(BenchCaches.Near) ?? throw new InvalidOperationException("no near cache");
            Console.WriteLine($"near cache holds {nearCache.Count} of {names.Length} keys");
            var count = result.GetValue(operations);
            var rounds = new List<double>();
            for (var round = 0; round < 5; round++)
            {
                var started = Stopwatch.GetTimestamp();
                for (var i = 0; i < count; i++)
                {
                    _ = await caches.GetAsync(BenchCaches.Near, names[i % names.Length], ct);
                }

                var ns = Stopwatch.GetElapsedTime(started).TotalNanoseconds / count;
                rounds.Add(ns);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: {ns:0.0} ns per near-cache hit"));
            }

            rounds.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT target=cache-near-hit operations={count} keys={names.Length} best_ns={rounds[0]:0.0} median_ns={rounds[2]:0.0} held={nearCache.Count}"));
            return 0;
        });
        return command;
    }

    private static Command Push()
    {
        var gateway = new GatewayOptions();
        var reader = new Option<string?>("--reader-gateway") { Description = "The gateway of the reading host (default: --gateway)." };
        var samples = new Option<int>("--samples") { Description = "Writes measured.", DefaultValueFactory = _ => 500 };
        var command = new Command("cache-push", "Time from a write through one client host to the other host's near-cache copy being dropped.") { reader, samples };
        gateway.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var writer = await ClientCacheTarget.ConnectAsync(gateway.Settings(result), near: true, ct);
            await using var other = await ClientCacheTarget.ConnectAsync(gateway.Settings(result, result.GetValue(reader)), near: true, ct);
            var value = new byte[100];
            var fromWrite = new List<double>();
            var fromAnswer = new List<double>();
            var beforeAnswer = 0;
            var count = result.GetValue(samples);
            for (var i = -20; i < count; i++)
            {
                var key = $"push-{i + 20:D7}";
                await writer.Caches.SetAsync(BenchCaches.Near, key, value, null, ct);
                NearCache? near = null;
                for (var attempt = 0; attempt < 20 && near?.TryGet(key) is null; attempt++)
                {
                    _ = await other.Caches.GetAsync(BenchCaches.Near, key, ct);
                    near = ((DistributedCaches)other.Caches).NearCacheOf(BenchCaches.Near);
                }

                if (near?.TryGet(key) is null)
                {
                    throw new InvalidOperationException($"the reading host never kept a copy of {key}");
                }

                var started = Stopwatch.GetTimestamp();
                await writer.Caches.SetAsync(BenchCaches.Near, key, value, null, ct);
                var answered = Stopwatch.GetTimestamp();
                var dropped = near.TryGet(key) is null ? answered : 0;
                if (dropped != 0)
                {
                    beforeAnswer += i >= 0 ? 1 : 0;
                }

                var spin = new SpinWait();
                while (dropped == 0)
                {
                    if (near.TryGet(key) is null)
                    {
                        dropped = Stopwatch.GetTimestamp();
                        break;
                    }

                    if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(10))
                    {
                        throw new TimeoutException($"the copy of {key} was not dropped within 10 s");
                    }

                    spin.SpinOnce(sleep1Threshold: -1);
                }

                if (i >= 0)
                {
                    fromWrite.Add(Stopwatch.GetElapsedTime(started, dropped).TotalMilliseconds);
                    fromAnswer.Add(Math.Max(0, Stopwatch.GetElapsedTime(answered, dropped).TotalMilliseconds));
                }
            }

            fromWrite.Sort();
            fromAnswer.Sort();
            Console.WriteLine($"{count} writes; the copy was already gone when the write answered in {beforeAnswer} of them");
            Console.WriteLine($"RESULT target=cache-push samples={count} p50_ms={Percentiles.Ms(Percentiles.Of(fromWrite, 50))} p99_ms={Percentiles.Ms(Percentiles.Of(fromWrite, 99))} " +
                $"max_ms={Percentiles.Ms(fromWrite[^1])} after_answer_p50_ms={Percentiles.Ms(Percentiles.Of(fromAnswer, 50))} after_answer_p99_ms={Percentiles.Ms(Percentiles.Of(fromAnswer, 99))} " +
                $"before_answer={beforeAnswer}");
            return 0;
        });
        return command;
    }

    private static Command Zipf()
    {
        var gateway = new GatewayOptions();
        var eviction = new Option<CacheEviction>("--eviction") { Description = "lru or lfu.", DefaultValueFactory = _ => CacheEviction.Lru };
        var keys = new Option<int>("--keys") { Description = "Distinct keys.", DefaultValueFactory = _ => 100_000 };
        var capacity = new Option<int>("--capacity") { Description = "Entries the cache holds.", DefaultValueFactory = _ => 10_000 };
        var operations = new Option<int>("--operations") { Description = "Measured reads (after as many unmeasured ones).", DefaultValueFactory = _ => 200_000 };
        var exponent = new Option<double>("--zipf") { Description = "Zipf exponent s.", DefaultValueFactory = _ => 0.99 };
        var shards = new Option<int>("--shards") { Description = "Shards of the cache (1: exact eviction order over the whole cache).", DefaultValueFactory = _ => 1 };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Reads in flight.", DefaultValueFactory = _ => 32 };
        var command = new Command("cache-zipf", "Cache-aside under a Zipf workload: read, set on a miss; the hit ratio of LRU or LFU.")
        {
            eviction, keys, capacity, operations, exponent, shards, concurrency,
        };
        gateway.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var mode = result.GetValue(eviction);
            var name = $"zipf-{mode.ToString().ToLowerInvariant()}-{DateTime.UtcNow:HHmmss}";
            await using var target = await ClientCacheTarget.ConnectAsync(gateway.Settings(result), near: false, ct);
            var size = result.GetValue(capacity);
            await target.Caches.PutAsync(name, new CacheSpec { Shards = result.GetValue(shards), Capacity = new CacheCapacity { Entries = size }, Eviction = mode }, ct);
            var zipf = new ZipfKeys(result.GetValue(keys), result.GetValue(exponent));
            var total = result.GetValue(operations);
            var value = new byte[100];
            long issued = 0, hits = 0, measured = 0;
            var workers = Enumerable.Range(0, result.GetValue(concurrency)).Select(async w =>
            {
                var random = new Random(1000 + w);
                while (Interlocked.Increment(ref issued) <= 2L * total)
                {
                    var key = $"z-{zipf.Next(random):D7}";
                    var hit = await target.Caches.GetAsync(name, key, ct) is not null;
                    if (!hit)
                    {
                        await target.Caches.SetAsync(name, key, value, null, ct);
                    }

                    if (Interlocked.Read(ref issued) > total)
                    {
                        Interlocked.Increment(ref measured);
                        if (hit)
                        {
                            Interlocked.Increment(ref hits);
                        }
                    }
                }
            }).ToArray();
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(workers);
            var stats = await target.Caches.StatsAsync(name, ct);
            await target.Caches.DeleteAsync(name, ct);
            var ratio = (double)hits / measured;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT target=cache-zipf eviction={mode.ToString().ToLowerInvariant()} keys={result.GetValue(keys)} capacity={size} zipf={result.GetValue(exponent)} " +
                $"measured={measured} hit_ratio={ratio:0.0000} ideal={zipf.MassOfTop(size):0.0000} evictions={stats.Total.Evictions} seconds={Stopwatch.GetElapsedTime(started).TotalSeconds:0.0}"));
            return 0;
        });
        return command;
    }
}
