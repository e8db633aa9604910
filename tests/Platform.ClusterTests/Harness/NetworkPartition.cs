using System.Diagnostics;
using System.Globalization;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// Cuts a silo off over loopback with iptables: every TCP packet to or from its silo and gateway ports is dropped, so
/// no other silo (nor any client) reaches it. Its own outbound connections (to the others' ports, from ephemeral
/// ports) are not matched, so it is the one-way partition a half-broken network gives: it can still send, never hear
/// back. Disposing removes exactly the rules it added (also when the test fails). Needs root (scripts/test.sh runs
/// as root); <see cref="Available"/> says whether iptables works here.
/// </summary>
public sealed class NetworkPartition : IDisposable
{
    private readonly List<string[]> _rules = [];

    private NetworkPartition()
    {
    }

    /// <summary>True when iptables can add and remove a rule on this machine.</summary>
    public static bool Available { get; } = Probe();

    public static NetworkPartition Isolate(SiloNode silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var partition = new NetworkPartition();
        try
        {
            foreach (var port in new[] { silo.SiloPort, silo.GatewayPort })
            {
                var p = port.ToString(CultureInfo.InvariantCulture);
                partition.Add(["OUTPUT", "-p", "tcp", "--dport", p, "-j", "DROP"]);
                partition.Add(["OUTPUT", "-p", "tcp", "--sport", p, "-j", "DROP"]);
            }
        }
        catch
        {
            partition.Dispose();
            throw;
        }

        return partition;
    }

    public void Dispose()
    {
        foreach (var rule in Enumerable.Reverse(_rules))
        {
            Run(["-D", .. rule]);
        }

        _rules.Clear();
    }

    private void Add(string[] rule)
    {
        if (Run(["-I", .. rule]) != 0)
        {
            throw new InvalidOperationException($"iptables -I {string.Join(' ', rule)} failed.");
        }

        _rules.Add(rule);
    }

    private static int Run(string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("iptables", arguments) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        process.WaitForExit(10_000);
        return process.ExitCode;
    }

    private static bool Probe()
    {
        try
        {
            string[] rule = ["OUTPUT", "-p", "tcp", "--dport", "1", "-j", "DROP"];
            return Run(["-I", .. rule]) == 0 && Run(["-D", .. rule]) == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
