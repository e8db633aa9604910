using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Platform.Testing.Network;

/// <summary>
/// Loopback TCP ports for test processes, chosen OUTSIDE the kernel's ephemeral range
/// (<c>/proc/sys/net/ipv4/ip_local_port_range</c>), so the kernel never hands one to an outgoing connection or a
/// port-0 bind, and a silo restarted on its old port finds it still free. Each candidate must pass a bind check, and
/// each port handed out stays reserved for this process by an advisory lock file, so concurrent test runs on the
/// same machine (other engineers, other test projects) never get the same port. Process-wide by nature (ports are).
/// </summary>
public static class FreePorts
{
    private const int LowestPort = 20_000;
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, FileStream> Reserved = [];
    private static readonly string LockDirectory = Path.Combine(Path.GetTempPath(), "platform-test-ports");
    private static readonly (int Low, int High) Ephemeral = ReadEphemeralRange();
    private static readonly int[] Candidates = BuildCandidates();
    private static int _cursor = Random.Shared.Next(Candidates.Length);

    /// <summary>The kernel's ephemeral range that the ports avoid.</summary>
    public static (int Low, int High) EphemeralRange => Ephemeral;

    /// <summary>One free port, reserved for this process.</summary>
    public static int Next() => Next(1)[0];

    /// <summary><paramref name="count"/> distinct free ports, reserved for this process.</summary>
    public static IReadOnlyList<int> Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (Gate)
        {
            var ports = new List<int>(count);
            for (var tried = 0; tried < Candidates.Length && ports.Count < count; tried++)
            {
                var port = Candidates[_cursor];
                _cursor = (_cursor + 1) % Candidates.Length;
                if (!Reserved.ContainsKey(port) && TryReserve(port) is { } reservation)
                {
                    Reserved[port] = reservation;
                    ports.Add(port);
                }
            }

            return ports.Count == count
                ? ports
                : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Only {ports.Count} of {count} free loopback ports found outside the ephemeral range {Ephemeral.Low}-{Ephemeral.High}."));
        }
    }

    /// <summary>True when nothing listens on <paramref name="port"/> (any IPv4 address) right now.</summary>
    public static bool IsBindable(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static FileStream? TryReserve(int port)
    {
        FileStream? reservation = null;
        try
        {
            Directory.CreateDirectory(LockDirectory);

            // FileShare.None is an exclusive flock(2) on Unix: released by the kernel when this process ends.
            reservation = new FileStream(Path.Combine(LockDirectory, port.ToString(CultureInfo.InvariantCulture) + ".lock"),
                FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null; // another process holds it
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        if (IsBindable(port))
        {
            return reservation;
        }

        reservation.Dispose();
        return null;
    }

    private static (int Low, int High) ReadEphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (32_768, 60_999); // Linux's default
        }
    }

    /// <summary>
    /// Ports from <see cref="LowestPort"/> up that are outside the ephemeral range and not a default of Platform
    /// (11111, 30000, 5080) or of a peer the benchmarks run (redis, etcd, PostgreSQL are all below 20000).
    /// </summary>
    private static int[] BuildCandidates()
    {
        int[] taken = [30_000];
        var ports = Enumerable.Range(LowestPort, 65_535 - LowestPort + 1)
            .Where(p => (p < Ephemeral.Low || p > Ephemeral.High) && !taken.Contains(p))
            .ToArray();
        return ports.Length > 0
            ? ports
            : throw new InvalidOperationException($"The ephemeral range {Ephemeral.Low}-{Ephemeral.High} leaves no port from {LowestPort} up for tests.");
    }
}
