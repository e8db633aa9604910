using System.Diagnostics;

namespace Platform.Bench.Load;

/// <summary>
/// Closed-loop load: <see cref="LoadOptions.Concurrency"/> workers, each issuing its next operation as soon as the
/// previous one answers. Only operations that start and finish inside the measured window are counted.
/// </summary>
internal static class LoadDriver
{
    public static async Task<LoadResult> RunAsync(IKeyValueTarget target, LoadOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var value = new byte[options.ValueSize];
        new Random(42).NextBytes(value);
        var keys = Enumerable.Range(0, options.Keys).Select(options.KeyOf).ToArray();

        if (options.Preload && options.Operation == KeyValueOperation.Get)
        {
            await PreloadAsync(target, keys, value, options.Concurrency, log, cancellationToken);
        }

        var (workers, elapsed, driverCpu, serverCpu) = await MeasuredWindow.RunAsync(
            options.Concurrency, (i, phase) => new Worker(i, phase), w => w.RunAsync(target, options.Operation, keys, value, cancellationToken),
            options.Warmup, options.Duration, MeasuredWindow.Pids(options.ServerPid), cancellationToken);

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
            ServerCpu = serverCpu,
        };
    }

    private static async Task PreloadAsync(IKeyValueTarget target, string[] keys, byte[] value, int concurrency, TextWriter log, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (key, ct) => await target.PutAsync(key, value, ct));
        log.WriteLine($"preloaded {keys.Length} keys in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    private sealed class Worker(int index, Func<int> phase)
    {
        public LatencyHistogram Latency { get; } = new();

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        public async Task RunAsync(IKeyValueTarget target, KeyValueOperation operation, string[] keys, byte[] value, CancellationToken cancellationToken)
        {
            var random = new Random(index);
            while (!cancellationToken.IsCancellationRequested)
            {
                var startPhase = phase();
                if (startPhase == MeasuredWindow.Stopped)
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

                    if (startPhase == MeasuredWindow.Measuring && phase() == MeasuredWindow.Measuring)
                    {
                        Latency.RecordSince(start);
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    if (startPhase == MeasuredWindow.Measuring)
                    {
                        Errors++;
                        FirstError ??= $"{ex.GetType().Name}: {ex.Message}";
                    }
                }
            }
        }
    }
}
