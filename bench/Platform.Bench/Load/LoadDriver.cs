using System.Diagnostics;

namespace Platform.Bench.Load;

/// <summary>
/// Closed-loop load: <see cref="LoadOptions.Concurrency"/> workers, each issuing its next operation as soon as the
/// previous one answers. Only operations that start and finish inside the measured window are counted.
/// </summary>
internal static class LoadDriver
{
    private const int Warming = 0;
    private const int Measuring = 1;
    private const int Stopped = 2;

    public static async Task<LoadResult> RunAsync(IKeyValueTarget target, LoadOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var value = new byte[options.ValueSize];
        new Random(42).NextBytes(value);
        var keys = Enumerable.Range(0, options.Keys).Select(options.KeyOf).ToArray();

        if (options.Preload && options.Operation == KeyValueOperation.Get)
        {
            await PreloadAsync(target, keys, value, options.Concurrency, log, cancellationToken);
        }

        var phase = Warming;
        var workers = new Worker[options.Concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = new Worker(i);
        }

        var tasks = workers.Select(w => Task.Run(() => w.RunAsync(target, options.Operation, keys, value, () => Volatile.Read(ref phase), cancellationToken), cancellationToken)).ToArray();

        await Task.Delay(options.Warmup, cancellationToken);
        var driverCpu = CpuTime.OfThisProcess();
        var serverCpu = CpuTime.OfProcess(options.ServerPid);
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref phase, Measuring);
        await Task.Delay(options.Duration, cancellationToken);
        Volatile.Write(ref phase, Stopped);
        var elapsed = Stopwatch.GetElapsedTime(started);
        driverCpu = CpuTime.OfThisProcess() - driverCpu;
        serverCpu = CpuTime.OfProcess(options.ServerPid) - serverCpu;
        await Task.WhenAll(tasks);

        var latency = new LatencyHistogram();
        long errors = 0;
        string? firstError = null;
        foreach (var worker in workers)
        {
            latency.Add(worker.Latency);
            errors += worker.Errors;
            firstError ??= worker.FirstError;
        }

        return new LoadResult(target.Name, options, latency.Count, errors, elapsed, latency, firstError)
        {
            DriverCpu = driverCpu,
            ServerCpu = options.ServerPid > 0 ? serverCpu : null,
        };
    }

    private static async Task PreloadAsync(IKeyValueTarget target, string[] keys, byte[] value, int concurrency, TextWriter log, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (key, ct) => await target.PutAsync(key, value, ct));
        log.WriteLine($"preloaded {keys.Length} keys in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    private sealed class Worker(int index)
    {
        public LatencyHistogram Latency { get; } = new();

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        public async Task RunAsync(IKeyValueTarget target, KeyValueOperation operation, string[] keys, byte[] value, Func<int> phase, CancellationToken cancellationToken)
        {
            var random = new Random(index);
            while (!cancellationToken.IsCancellationRequested)
            {
                var startPhase = phase();
                if (startPhase == Stopped)
                {
                    return;
                }

                var key = keys[random.Next(keys.Length)];
                var start = Stopwatch.GetTimestamp();
                try
                {
                    if (operation == KeyValueOperation.Get)
                    {
                        await target.GetAsync(key, cancellationToken);
                    }
                    else
                    {
                        await target.PutAsync(key, value, cancellationToken);
                    }

                    if (startPhase == Measuring && phase() == Measuring)
                    {
                        Latency.RecordSince(start);
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    if (startPhase == Measuring)
                    {
                        Errors++;
                        FirstError ??= $"{ex.GetType().Name}: {ex.Message}";
                    }
                }
            }
        }
    }
}
