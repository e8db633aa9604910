using System.Net;
using System.Net.Sockets;

namespace Platform.ClusterTests.Harness;

/// <summary>Free loopback TCP ports, chosen by the kernel (bind to port 0), distinct within this test run.</summary>
public static class FreePorts
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Handed = [];

    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Handed.Add(port))
                {
                    return port;
                }
            }

            throw new InvalidOperationException("Could not find a free loopback port in 50 attempts.");
        }
    }
}
