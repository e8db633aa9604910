using System.Diagnostics;

namespace Platform.Bench.Load;

/// <summary>User plus system CPU time of a process, for CPU cost per operation.</summary>
internal static class CpuTime
{
    public static TimeSpan OfThisProcess()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>Zero when <paramref name="pid"/> is 0 or the process is gone.</summary>
    public static TimeSpan OfProcess(int pid)
    {
        if (pid <= 0)
        {
            return TimeSpan.Zero;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }
}
