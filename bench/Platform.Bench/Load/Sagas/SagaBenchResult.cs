using System.Globalization;

namespace Platform.Bench.Load.Sagas;

/// <summary>
/// What one saga run measured: sagas that completed inside the window (whenever they started), the end-to-end latency a client sees (start request
/// to the watch stream's final view), each step's latency from the instance's own history (previous step's result, or
/// the instance's creation, to this step's result), and the stub's latency to a direct caller.
/// </summary>
internal sealed record SagaBenchResult(
    SagaBenchOptions Options,
    long Completed,
    long Failed,
    TimeSpan Elapsed,
    LatencyHistogram SagaLatency,
    LatencyHistogram StepLatency,
    LatencyHistogram StubDirect,
    string? FirstError)
{
    public TimeSpan DriverCpu { get; init; }

    public TimeSpan? ServerCpu { get; init; }

    public double SagasPerSecond => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;

    private static double Ms(double nanos) => nanos / 1e6;

    /// <summary>Step latency percentile minus the stub's direct-call latency at the same percentile (never below 0).</summary>
    private double OverheadMs(double percent) => Math.Max(0, Ms(StepLatency.PercentileNanos(percent) - StubDirect.PercentileNanos(percent)));

    private double? ServerCpuMicrosPerSaga => Completed > 0 && ServerCpu is { } cpu ? cpu.TotalMicroseconds / Completed : null;

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"""
        sagas-http: {SagasPerSecond:F1} completed sagas/s ({SagasPerSecond * SagaBenchOptions.Steps:F0} steps/s) over {Elapsed.TotalSeconds:F1} s, concurrency {Options.Concurrency}
          completed {Completed}, not completed {Failed}
          saga (start request -> final view) p50 {Ms(SagaLatency.PercentileNanos(50)):F3} ms, p99 {Ms(SagaLatency.PercentileNanos(99)):F3} ms
          step (from the instance's history) p50 {Ms(StepLatency.PercentileNanos(50)):F3} ms, p99 {Ms(StepLatency.PercentileNanos(99)):F3} ms
          stub direct call p50 {Ms(StubDirect.PercentileNanos(50)):F3} ms, p99 {Ms(StubDirect.PercentileNanos(99)):F3} ms
          platform overhead per step p50 {OverheadMs(50):F3} ms, p99 {OverheadMs(99):F3} ms
          cpu per saga: driver+stub {(Completed > 0 ? DriverCpu.TotalMicroseconds / Completed : 0):F1} us{(ServerCpuMicrosPerSaga is { } s ? $", server {s:F1} us" : "")}
        """);

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"RESULT target=sagas-http op=saga3 concurrency={Options.Concurrency} duration_s={Elapsed.TotalSeconds:F2} ops={Completed} errors={Failed} ops_per_s={SagasPerSecond:F1} steps_per_s={SagasPerSecond * SagaBenchOptions.Steps:F1} p50_ms={Ms(SagaLatency.PercentileNanos(50)):F3} p99_ms={Ms(SagaLatency.PercentileNanos(99)):F3} step_p50_ms={Ms(StepLatency.PercentileNanos(50)):F3} step_p99_ms={Ms(StepLatency.PercentileNanos(99)):F3} stub_p50_ms={Ms(StubDirect.PercentileNanos(50)):F3} stub_p99_ms={Ms(StubDirect.PercentileNanos(99)):F3} overhead_p50_ms={OverheadMs(50):F3} overhead_p99_ms={OverheadMs(99):F3} driver_cpu_us_per_op={(Completed > 0 ? DriverCpu.TotalMicroseconds / Completed : 0):F1} server_cpu_us_per_op={(ServerCpuMicrosPerSaga is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "na")}");
}
