namespace Platform.Bench.Load.Locks;

/// <summary>
/// Closed loop: <c>concurrency</c> workers, each starting its next operation when the previous one answered.
/// A warm-up, then the measured window; CPU of this process and of an optional server process over the window.
/// </summary>
internal static class LockLoop
{
    public static async Task<LockLoopResult> RunAsync(
        int concurrency, TimeSpan warmup, TimeSpan duration, int serverPid,
        Func<LockWorker, CancellationToken, Task> runWorker, CancellationToken cancellationToken)
    {
        var run = await MeasuredWindow.RunAsync(
            concurrency, (i, phase) => new LockWorker(i, phase), w => runWorker(w, cancellationToken),
            warmup, duration, MeasuredWindow.Pids(serverPid), cancellationToken);
        return new LockLoopResult(run.Workers, run.Elapsed, run.DriverCpu, run.ServerCpu);
    }
}
