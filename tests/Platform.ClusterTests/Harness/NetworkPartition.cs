using System.Diagnostics;
using System.Globalization;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// The partition nemesis: cuts one harness process off the loopback network with iptables, and heals it again.
/// Every <see cref="PlatformProcess"/> starts inside its own cgroup (v2) when <see cref="IsSupported"/>, so each
/// socket it ever opens carries that cgroup; <see cref="Isolate(SiloNode, IEnumerable{int}?)"/> then drops on <c>lo</c>,
/// except to or from the <c>open</c> ports, both directions: in OUTPUT every packet that process sends (listener
/// replies and its own connections alike), in INPUT every packet to its listening ports (the silo, gateway and HTTP
/// ports) and every packet to a socket of its cgroup (its own connections: the cgroup match sees the sockets TCP
/// finds by early demux, which established connections on loopback are). So it neither hears nor answers its peers,
/// its connections stall as across a real partition, and nothing is reset. Rules live in a chain of their own (<c>PT-…</c>) whose jump carries the
/// run's comment (<see cref="RunComment"/>), so scripts/lib/test-services.sh removes leftovers of its own run only.
/// </summary>
public sealed class NetworkPartition : IDisposable
{
    public const string RunIdVariable = "PLATFORM_TEST_RUN_ID";

    private static readonly Lazy<string?> Unsupported = new(FindUnsupportedReason);
    private static readonly Lazy<string?> CgroupRootPath = new(FindCgroup2Root);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<NetworkPartition, byte> Active = new();
    private readonly string _chain;
    private readonly List<string[]> _jumps;
    private readonly PlatformProcess _process;
    private int _healed;

    private NetworkPartition(PlatformProcess process, string chain, List<string[]> jumps)
    {
        _process = process;
        _chain = chain;
        _jumps = jumps;
    }

    /// <summary>True when partitions can be made here: Linux, root, iptables on the PATH, cgroup v2 mounted.</summary>
    public static bool IsSupported => Unsupported.Value is null;

    /// <summary>Why <see cref="IsSupported"/> is false; null when it is true.</summary>
    public static string? UnsupportedReason => Unsupported.Value;

    /// <summary>This run's id (from <c>PLATFORM_TEST_RUN_ID</c>, set by scripts/lib/test-services.sh), or the test host's PID.</summary>
    public static string RunId { get; } = Environment.GetEnvironmentVariable(RunIdVariable) is { Length: > 0 } id
        ? id
        : "adhoc-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The iptables comment on every jump this run installs.</summary>
    public static string RunComment => "platform-test:" + RunId;

    /// <summary>The folder under the cgroup v2 root that holds this run's process cgroups, relative to that root.</summary>
    internal static string RunCgroup => "platform-test/" + RunId;

    /// <summary>
    /// Cuts <paramref name="node"/>'s silo off from every peer: other silos, clients, PostgreSQL and Azurite, except
    /// traffic to or from the <paramref name="open"/> ports (e.g. its own gateway port, so clients still reach it
    /// while it cannot reach the membership table). Dispose or <see cref="Heal"/> to undo.
    /// </summary>
    public static NetworkPartition Isolate(SiloNode node, IEnumerable<int>? open = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        var process = node.Process is { HasExited: false } p ? p : throw new InvalidOperationException($"{node} is not running.");
        return Isolate(process, open, [node.SiloPort, node.GatewayPort, node.HttpPort]);
    }

    /// <summary>
    /// Cuts <paramref name="process"/> off the loopback network except the <paramref name="open"/> ports: what it sends,
    /// what reaches its own connections, and what reaches its <paramref name="listening"/> ports.
    /// </summary>
    public static NetworkPartition Isolate(PlatformProcess process, IEnumerable<int>? open = null, IEnumerable<int>? listening = null)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (UnsupportedReason is { } reason)
        {
            throw new InvalidOperationException("Network partitions are not available here: " + reason);
        }

        var cgroup = process.Cgroup ?? throw new InvalidOperationException($"{process.Name} was started outside a cgroup of its own.");
        var member = File.ReadAllText($"/proc/{process.Pid.ToString(CultureInfo.InvariantCulture)}/cgroup");
        if (!member.Contains("0::/" + cgroup + "\n", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{process.Name} (pid {process.Pid}) is not in cgroup {cgroup}: {member.Trim()}");
        }

        var ports = string.Join(',', (open ?? []).Distinct().Select(p => p.ToString(CultureInfo.InvariantCulture)));
        var chain = "PT-" + Guid.NewGuid().ToString("N")[..12];
        Iptables("-N", chain);
        if (ports.Length > 0)
        {
            Iptables("-A", chain, "-p", "tcp", "-m", "multiport", "--dports", ports, "-j", "RETURN");
            Iptables("-A", chain, "-p", "tcp", "-m", "multiport", "--sports", ports, "-j", "RETURN");
        }

        Iptables("-A", chain, "-j", "DROP");
        var openSet = (open ?? []).ToHashSet();
        var inbound = string.Join(',', (listening ?? []).Distinct().Where(p => !openSet.Contains(p)).Select(p => p.ToString(CultureInfo.InvariantCulture)));
        List<string[]> jumps =
        [
            ["OUTPUT", "-o", "lo", "-m", "cgroup", "--path", cgroup, "-m", "comment", "--comment", RunComment, "-j", chain],
            ["INPUT", "-i", "lo", "-m", "cgroup", "--path", cgroup, "-m", "comment", "--comment", RunComment, "-j", chain],
        ];
        if (inbound.Length > 0)
        {
            jumps.Add(["INPUT", "-i", "lo", "-p", "tcp", "-m", "multiport", "--dports", inbound, "-m", "comment", "--comment", RunComment, "-j", chain]);
        }

        foreach (var jump in jumps)
        {
            Iptables(["-I", .. jump]);
        }

        process.Append($"==== {DateTime.UtcNow:O} nemesis: network partition {chain} (both directions; listening ports cut: {(inbound.Length > 0 ? inbound : "none")}; open ports: {(ports.Length > 0 ? ports : "none")})");
        var partition = new NetworkPartition(process, chain, jumps);
        Active.TryAdd(partition, 0);
        return partition;
    }

    /// <summary>Heals every partition still in place on one of <paramref name="processes"/> (a test failed before healing its own); returns how many.</summary>
    public static int HealAll(IEnumerable<PlatformProcess?> processes)
    {
        var of = processes.OfType<PlatformProcess>().ToHashSet();
        var healed = 0;
        foreach (var p in Active.Keys.Where(p => of.Contains(p._process)))
        {
            p.Heal();
            healed++;
        }

        return healed;
    }

    /// <summary>Removes the rules: the process's packets flow again. Idempotent.</summary>
    public void Heal()
    {
        if (Interlocked.Exchange(ref _healed, 1) == 1)
        {
            return;
        }

        Active.TryRemove(this, out _);
        foreach (var jump in _jumps)
        {
            Iptables(["-D", .. jump]);
        }

        Iptables("-F", _chain);
        Iptables("-X", _chain);
        _process.Append($"==== {DateTime.UtcNow:O} nemesis: network partition {_chain} healed");
    }

    public void Dispose() => Heal();

    /// <summary>
    /// Creates a fresh cgroup for a process about to start (under <see cref="RunCgroup"/>) and returns its path
    /// relative to the cgroup v2 root and the <c>cgroup.procs</c> file the process writes itself into before it execs;
    /// null when partitions are not supported.
    /// </summary>
    internal static (string Relative, string Procs)? CreateProcessCgroup()
    {
        if (!IsSupported || CgroupRootPath.Value is not { } root)
        {
            return null;
        }

        var relative = RunCgroup + "/" + Guid.NewGuid().ToString("N")[..12];
        var full = Path.Combine(root, relative);
        Directory.CreateDirectory(full);
        return (relative, Path.Combine(full, "cgroup.procs"));
    }

    /// <summary>Removes an empty process cgroup made by <see cref="CreateProcessCgroup"/> (after its process exited).</summary>
    internal static void RemoveProcessCgroup(string? relative)
    {
        if (relative is null || CgroupRootPath.Value is not { } root)
        {
            return;
        }

        try
        {
            Directory.Delete(Path.Combine(root, relative));
        }
        catch (IOException)
        {
            // Still populated (the process is exiting); scripts/lib/test-services.sh removes it at the end of the run.
        }
    }

    private static void Iptables(params string[] arguments)
    {
        var info = new ProcessStartInfo("iptables") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-w");
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var error = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"iptables {string.Join(' ', arguments)} failed ({p.ExitCode}): {error.Trim()}");
        }
    }

    private static string? FindUnsupportedReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "not root";
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(':').Append("/usr/sbin").Any(d => File.Exists(Path.Combine(d, "iptables"))))
        {
            return "iptables is not installed (scripts/lib/test-services.sh installs it)";
        }

        return CgroupRootPath.Value is null ? "no cgroup v2 hierarchy is mounted" : null;
    }

    private static string? FindCgroup2Root()
    {
        if (!File.Exists("/proc/self/mounts"))
        {
            return null;
        }

        // "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0" (hybrid hierarchy) or /sys/fs/cgroup (unified).
        return File.ReadLines("/proc/self/mounts")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 2 && f[2] == "cgroup2")
            .Select(f => f[1])
            .FirstOrDefault();
    }
}
