using System.Diagnostics;

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
        var phase = LockWorker.Warming;
        var workers = Enumerable.Range(0, concurrency).Select(i => new LockWorker(i, () => Volatile.Read(ref phase))).ToArray();
        var tasks = workers.Select(w => Task.Run(() => runWorker(w, cancellationToken), cancellationToken)).ToArray();

        await Task.Delay(warmup, cancellationToken);
        var driverCpu = CpuTime.OfThisProcess();
        var serverCpu = CpuTime.OfProcess(serverPid);
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref phase, LockWorker.Measuring);
        await Task.Delay(duration, cancellationToken);
        Volatile.Write(ref phase, LockWorker.Stopped);
        var elapsed = Stopwatch.GetElapsedTime(started);
        driverCpu = CpuTime.OfThisProcess() - driverCpu;
        serverCpu = CpuTime.OfProcess(serverPid) - serverCpu;
        await Task.WhenAll(tasks);

        return new LockLoopResult(workers, elapsed, driverCpu, serverPid > 0 ? serverCpu : null);
    }
}
