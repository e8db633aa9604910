using System.Globalization;

namespace Platform.Bench.Load;

/// <summary>What one bank-transfer run measured. Latency is of committed transfers only.</summary>
internal sealed record TransactionBankResult(TransactionBankOptions Options, long[] Counts, TimeSpan Elapsed, LatencyHistogram Latency, string? FirstError)
{
    public TimeSpan DriverCpu { get; init; }

    public TimeSpan? ServerCpu { get; init; }

    /// <summary>Sum of the balances read back after the run (one transaction), or null if the read failed.</summary>
    public long? FinalTotal { get; init; }

    public bool AnyNegative { get; init; }

    public long Committed => Counts[(int)TransactionOutcome.Committed];

    public long Attempts => Counts.Sum();

    public double CommittedPerSecond => Elapsed > TimeSpan.Zero ? Committed / Elapsed.TotalSeconds : 0;

    /// <summary>409 answers per attempted transfer.</summary>
    public double ConflictRate => Attempts > 0 ? (double)Counts[(int)TransactionOutcome.Conflict] / Attempts : 0;

    public bool TotalOk => FinalTotal == Options.Initial * Options.Accounts && !AnyNegative;

    private double DriverCpuMicrosPerOp => Committed > 0 ? DriverCpu.TotalMicroseconds / Committed : 0;

    private double? ServerCpuMicrosPerOp => Committed > 0 && ServerCpu is { } cpu ? cpu.TotalMicroseconds / Committed : null;

    private double P50Millis => Latency.PercentileNanos(50) / 1e6;

    private double P99Millis => Latency.PercentileNanos(99) / 1e6;

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"""
        txn-http transfers: {CommittedPerSecond:F0} committed/s over {Elapsed.TotalSeconds:F1} s ({Attempts} attempts)
          committed {Committed}, refused for balance {Counts[(int)TransactionOutcome.Insufficient]}, 409 {Counts[(int)TransactionOutcome.Conflict]}, 503 {Counts[(int)TransactionOutcome.Unavailable]}, other {Counts[(int)TransactionOutcome.Other]}
          concurrency {Options.Concurrency}, {Options.Accounts} accounts on {Options.Shards} shards of namespace {Options.Namespace}
          committed latency p50 {P50Millis:F3} ms, p99 {P99Millis:F3} ms, max {Latency.MaxNanos / 1e6:F3} ms
          cpu per committed transfer: driver {DriverCpuMicrosPerOp:F1} us{(ServerCpuMicrosPerOp is { } s ? $", server {s:F1} us" : "")}
          balances after the run: total {FinalTotal?.ToString(CultureInfo.InvariantCulture) ?? "unread"} (expected {Options.Initial * Options.Accounts}){(AnyNegative ? ", NEGATIVE balance seen" : "")}
        """);

    /// <summary>One machine-readable line; <c>ops</c>/<c>ops_per_s</c> count committed transfers, <c>errors</c> = 409 + 503 + other.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"RESULT target=txn-http op=transfer concurrency={Options.Concurrency} accounts={Options.Accounts} shards={Options.Shards} duration_s={Elapsed.TotalSeconds:F2} attempts={Attempts} ops={Committed} insufficient={Counts[(int)TransactionOutcome.Insufficient]} conflicts={Counts[(int)TransactionOutcome.Conflict]} unavailable={Counts[(int)TransactionOutcome.Unavailable]} other={Counts[(int)TransactionOutcome.Other]} errors={Counts[(int)TransactionOutcome.Conflict] + Counts[(int)TransactionOutcome.Unavailable] + Counts[(int)TransactionOutcome.Other]} conflict_rate={ConflictRate:F4} ops_per_s={CommittedPerSecond:F1} p50_ms={P50Millis:F3} p99_ms={P99Millis:F3} max_ms={Latency.MaxNanos / 1e6:F3} driver_cpu_us_per_op={DriverCpuMicrosPerOp:F1} server_cpu_us_per_op={(ServerCpuMicrosPerOp is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "na")} total_ok={(TotalOk ? "true" : "false")}");
}
