using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Platform.ClusterTests.Harness;

/// <summary>libc <c>kill(2)</c>: .NET's Process only sends SIGKILL (and SIGTERM via a different API), not SIGSTOP/SIGCONT.</summary>
internal static class NativeSignals
{
    public static void Send(int pid, PosixSignal signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new PlatformNotSupportedException("The fault-injection harness sends POSIX signals; it runs on Linux.");
        }

        // macOS numbers SIGSTOP/SIGCONT differently; the harness targets Linux (CI), where these are the values.
        if (Kill(pid, (int)signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({pid}, {signal}) failed");
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe blocks for one int-only call.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
