using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Testing.Http;
using Platform.Testing.Waiting;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// One started <c>dotnet &lt;dll&gt;</c> process whose stdout and stderr go to a log file. Every live instance is
/// also killed when the test process exits, and recorded in <see cref="ChildProcessRegistry"/> so that
/// scripts/test.sh's clean-up kills it even when the test process was killed hard and could not.
/// </summary>
public sealed class PlatformProcess : IDisposable
{
    private static readonly ConcurrentDictionary<PlatformProcess, byte> Live = new();
    private static readonly PlatformApiClient Probe = new(new HttpClient { Timeout = TimeSpan.FromSeconds(5) });
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logGate = new();
    private bool _logClosed;
    private int _disposed;
    private string? _pidFile;

    static PlatformProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var p in Live.Keys)
            {
                p.Dispose();
            }
        };
    }

    private PlatformProcess(string name, string logPath, Process process, StreamWriter log, string? cgroup)
    {
        Name = name;
        LogPath = logPath;
        _process = process;
        _log = log;
        Cgroup = cgroup;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The file recording this process for scripts/test.sh's clean-up (<see cref="ChildProcessRegistry"/>); null when not recorded.</summary>
    public string? PidFile => _pidFile;

    /// <summary>The process's own cgroup v2, relative to the hierarchy's root (what <see cref="NetworkPartition"/> matches); null when partitions are not supported here.</summary>
    public string? Cgroup { get; }

    /// <summary>True between <see cref="Pause"/> and <see cref="Resume"/>.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c>, appending its output to <paramref name="logPath"/>.</summary>
    public static PlatformProcess Start(string name, string dll, IEnumerable<string> arguments, string logPath)
    {
        // In its own cgroup from the first instruction on (a shell joins it, then execs dotnet under the same PID),
        // so that every socket the process opens can be cut by NetworkPartition: a socket keeps the cgroup it was
        // created in, and moving a running process would leave its open connections untouched.
        var cgroup = NetworkPartition.CreateProcessCgroup();
        var info = new ProcessStartInfo(cgroup is null ? "dotnet" : "/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        if (cgroup is { } g)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("echo $$ > \"$0\" && exec dotnet \"$@\"");
            info.ArgumentList.Add(g.Procs);
        }

        info.ArgumentList.Add(dll);
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        // Workstation GC: five server-GC processes on a shared 2-core box would mostly fight over memory.
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";

        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        log.WriteLine($"==== {DateTime.UtcNow:O} starting {name}: {info.FileName} {string.Join(' ', info.ArgumentList)}");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new PlatformProcess(name, logPath, process, log, cgroup?.Relative);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Exited += (_, _) =>
        {
            result.Append($"==== {DateTime.UtcNow:O} {name} exited");
            NetworkPartition.RemoveProcessCgroup(result.Cgroup);
        };
        process.Start();
        Live.TryAdd(result, 0);
        result._pidFile = ChildProcessRegistry.Record(process.Id);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    public void Signal(PosixSignal signal)
    {
        Append($"==== {DateTime.UtcNow:O} nemesis: SIG{signal.ToString().ToUpperInvariant()} to pid {Pid}");
        NativeSignals.Send(Pid, signal);
    }

    public void Pause()
    {
        Signal(PosixSignal.Stop);
        IsPaused = true;
    }

    public void Resume()
    {
        Signal(PosixSignal.Cont);
        IsPaused = false;
    }

    /// <summary>SIGKILL and wait until the process is gone.</summary>
    public void Kill()
    {
        if (_process.HasExited)
        {
            return;
        }

        Append($"==== {DateTime.UtcNow:O} nemesis: SIGKILL to pid {Pid}");
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited in between.
        }

        _process.WaitForExit(10_000);
        IsPaused = false;
    }

    /// <summary>Waits for the process to exit; false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Polls <c>GET {address}/readyz</c> until it answers 2xx. Throws with the log tail when the process exits first
    /// or <paramref name="timeout"/> passes.
    /// </summary>
    public async Task WaitReadyAsync(Uri address, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(address);
        var readyz = new Uri(address, "/readyz").AbsoluteUri;
        try
        {
            await Eventually.Until(
                async ct => HasExited
                    ? throw new InvalidOperationException($"{Name} exited with code {ExitCode} before it was ready.\n{Tail()}")
                    : await Probe.GetAsync(readyz, ct),
                r => r.IsSuccess,
                $"{Name} to answer {readyz}",
                new EventuallyOptions { Timeout = timeout, Interval = TimeSpan.FromMilliseconds(200) });
        }
        catch (EventuallyTimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{Tail()}", ex);
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the log.</summary>
    public string Tail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines + 1)).TrimEnd();
        }
        catch (IOException ex)
        {
            return $"(log {LogPath} unreadable: {ex.Message})";
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Kill();
        Live.TryRemove(this, out _);
        if (_process.HasExited)
        {
            ChildProcessRegistry.Forget(_pidFile);
        }
        lock (_logGate)
        {
            _logClosed = true;
            _log.Dispose();
        }

        _process.Dispose();
    }

    /// <summary>Adds a line to the log (harness notes, nemesis actions).</summary>
    public void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            if (!_logClosed)
            {
                _log.WriteLine(line);
            }
        }
    }
}
