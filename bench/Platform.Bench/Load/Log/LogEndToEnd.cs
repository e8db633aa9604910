using System.Diagnostics;

namespace Platform.Bench.Load.Log;

/// <summary>
/// End-to-end latency: one producer (closed loop, one record per request) stamps each value with the time it was
/// sent; one group consumer reading the one-partition topic from its end records, per record, the time from send to
/// seen. Only records sent inside the measured window count.
/// </summary>
internal static class LogEndToEnd
{
    public static async Task<LoadResult> RunAsync(ILogTarget target, string topic, LoadOptions options, CancellationToken cancellationToken)
    {
        await target.PrepareAsync(topic, 1, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var latency = new LatencyHistogram();
        long measureFrom = long.MaxValue, measureTo = long.MaxValue;
        var consumer = Task.Run(async () =>
        {
            try
            {
                await foreach (var value in target.ConsumeAsync(topic, $"e2e-{Guid.NewGuid():N}", stop.Token))
                {
                    var sent = BitConverter.ToInt64(value, 0);
                    if (sent >= Volatile.Read(ref measureFrom) && sent < Volatile.Read(ref measureTo))
                    {
                        latency.RecordSince(sent);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }, cancellationToken);

        long errors = 0;
        string? firstError = null;
        var warmupEnd = Stopwatch.GetTimestamp() + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        var end = warmupEnd + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        Volatile.Write(ref measureFrom, warmupEnd);
        Volatile.Write(ref measureTo, end);
        while (Stopwatch.GetTimestamp() < end)
        {
            var value = new byte[Math.Max(8, options.ValueSize)];
            BitConverter.TryWriteBytes(value, Stopwatch.GetTimestamp());
            try
            {
                await target.ProduceAsync(topic, "e2e", [value], cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                errors++;
                firstError ??= $"{ex.GetType().Name}: {ex.Message}";
            }
        }

        // Let the consumer see the last records, then stop it.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await stop.CancelAsync();
        await consumer;
        return new LoadResult($"{target.Name}-e2e", options with { Concurrency = 1 }, latency.Count, errors, options.Duration, latency, firstError);
    }
}
