namespace Platform.Bench.Load;

/// <summary>
/// What <see cref="MeasuredWindow"/> measured: the workers (with their own counts) and the window's wall time and CPU
/// (<see cref="ServerCpu"/> is null when no server process was given).
/// </summary>
internal sealed record MeasuredRun<TWorker>(IReadOnlyList<TWorker> Workers, TimeSpan Elapsed, TimeSpan DriverCpu, TimeSpan? ServerCpu);
