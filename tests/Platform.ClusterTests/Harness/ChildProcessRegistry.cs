using System.Globalization;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// Records every child process the harness starts as a file <c>{pid}.pid</c> ("pid start-time", the start time in
/// clock ticks from <c>/proc/{pid}/stat</c>, so a reused PID is never mistaken for ours) in the folder named by
/// <c>PLATFORM_TEST_PID_DIR</c>. <c>scripts/lib/test-services.sh</c> sets it per run and its
/// <c>platform_services_stop</c> (the exit trap of <c>scripts/test.sh</c>) SIGKILLs every recorded process that
/// still runs, also when the test host itself was killed hard and never ran its own clean-up. A process the harness
/// stops itself has its file removed. Without the variable nothing is recorded.
/// </summary>
public static class ChildProcessRegistry
{
    public const string DirectoryVariable = "PLATFORM_TEST_PID_DIR";

    /// <summary>The folder of PID files; null when the variable is unset.</summary>
    public static string? Directory => Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir ? dir : null;

    /// <summary>Writes the PID file of <paramref name="pid"/>; returns its path, or null when nothing is recorded.</summary>
    public static string? Record(int pid)
    {
        if (Directory is not { } dir)
        {
            return null;
        }

        System.IO.Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, pid.ToString(CultureInfo.InvariantCulture) + ".pid");
        File.WriteAllText(path, $"{pid.ToString(CultureInfo.InvariantCulture)} {StartTime(pid) ?? "?"}\n");
        return path;
    }

    /// <summary>Removes a PID file written by <see cref="Record"/> (null: nothing).</summary>
    public static void Forget(string? path)
    {
        if (path is not null)
        {
            File.Delete(path);
        }
    }

    /// <summary>Field 22 of <c>/proc/{pid}/stat</c> (start time in clock ticks since boot); null off Linux or when gone.</summary>
    public static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // "pid (comm) state ppid ...": comm may contain spaces, so count fields after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
