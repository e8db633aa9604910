using System.Diagnostics;

namespace Platform.Bench.Load;

/// <summary>
/// The closed loop every load driver runs: its workers start in a warm-up (JIT, pools, activations), then one
/// measured window, then stop. Wall time and CPU (this process and the given server processes) are taken over the
/// window only. A worker reads the phase it is given and counts only what starts and ends while it is
/// <see cref="Measuring"/>.
/// </summary>
internal static class MeasuredWindow
{
    public const int Warming = 0;
    public const int Measuring = 1;
    public const int Stopped = 2;

    /// <summary>Creates <paramref name="concurrency"/> workers, runs each until the window ends, and measures it.</summary>
    public static async Task<MeasuredRun<TWorker>> RunAsync<TWorker>(
        int concurrency, Func<int, Func<int>, TWorker> create, Func<TWorker, Task> run,
        TimeSpan warmup, TimeSpan duration, IReadOnlyList<int> serverPids, CancellationToken cancellationToken)
    {
        var phase = Warming;
        var workers = Enumerable.Range(0, concurrency).Select(i => create(i, () => Volatile.Read(ref phase))).ToArray();
        var tasks = workers.Select(w => Task.Run(() => run(w), cancellationToken)).ToArray();

        await Task.Delay(warmup, cancellationToken);
        var driverCpu = CpuTime.OfThisProcess();
        var serverCpu = ServerCpu(serverPids);
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref phase, Measuring);
        await Task.Delay(duration, cancellationToken);
        Volatile.Write(ref phase, Stopped);
        var elapsed = Stopwatch.GetElapsedTime(started);
        driverCpu = CpuTime.OfThisProcess() - driverCpu;
        serverCpu = ServerCpu(serverPids) - serverCpu;
        await Task.WhenAll(tasks);

        return new MeasuredRun<TWorker>(workers, elapsed, driverCpu, serverPids.Count > 0 ? serverCpu : null);
    }

    /// <summary>The one server pid a driver was given, or none for 0.</summary>
    public static IReadOnlyList<int> Pids(int serverPid) => serverPid > 0 ? [serverPid] : [];

    private static TimeSpan ServerCpu(IReadOnlyList<int> pids) => pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + CpuTime.OfProcess(pid));
}
