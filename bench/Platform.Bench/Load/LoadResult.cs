using System.Globalization;

namespace Platform.Bench.Load;

/// <summary>What one load run measured.</summary>
internal sealed record LoadResult(string Target, LoadOptions Options, long Operations, long Errors, TimeSpan Elapsed, LatencyHistogram Latency, string? FirstError)
{
    /// <summary>CPU time this driver process used during the measured window.</summary>
    public TimeSpan DriverCpu { get; init; }

    /// <summary>CPU time the server process used during the measured window, when its PID was given.</summary>
    public TimeSpan? ServerCpu { get; init; }

    public double DriverCpuMicrosPerOp => Operations > 0 ? DriverCpu.TotalMicroseconds / Operations : 0;

    public double? ServerCpuMicrosPerOp => Operations > 0 && ServerCpu is { } cpu ? cpu.TotalMicroseconds / Operations : null;

    public double OpsPerSecond => Elapsed > TimeSpan.Zero ? Operations / Elapsed.TotalSeconds : 0;

    public double P50Millis => Latency.PercentileNanos(50) / 1e6;

    public double P99Millis => Latency.PercentileNanos(99) / 1e6;

    public double MaxMillis => Latency.MaxNanos / 1e6;

    /// <summary>Human-readable lines.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"""
        {Target} {Options.Operation.ToString().ToUpperInvariant()}: {OpsPerSecond:F0} ops/s over {Elapsed.TotalSeconds:F1} s ({Operations} ops, {Errors} errors)
          concurrency {Options.Concurrency}, value {Options.ValueSize} B, {Options.Keys} keys
          latency p50 {P50Millis:F3} ms, p99 {P99Millis:F3} ms, max {MaxMillis:F3} ms
          cpu per op: driver {DriverCpuMicrosPerOp:F1} us{(ServerCpuMicrosPerOp is { } s ? $", server {s:F1} us" : "")}
        """);

    /// <summary>One machine-readable line: <c>RESULT key=value ...</c>, stable field names.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"RESULT target={Target} op={Options.Operation.ToString().ToLowerInvariant()} concurrency={Options.Concurrency} value_size={Options.ValueSize} keys={Options.Keys} duration_s={Elapsed.TotalSeconds:F2} ops={Operations} errors={Errors} ops_per_s={OpsPerSecond:F1} p50_ms={P50Millis:F3} p99_ms={P99Millis:F3} max_ms={MaxMillis:F3} driver_cpu_us_per_op={DriverCpuMicrosPerOp:F1} server_cpu_us_per_op={(ServerCpuMicrosPerOp is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "na")}");
}
