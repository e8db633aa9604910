using Platform.Testing.Http;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// An extra client host process whose only gateway is one silo (static gateway list, same ClusterId): every request
/// it serves goes through that silo, including while the silo is paused, declared Dead, or just resumed. Made by
/// <see cref="ProcessCluster.StartPinnedClientHostAsync"/>; disposing kills it.
/// </summary>
public sealed class PinnedClientHost : IDisposable
{
    internal PinnedClientHost(int siloIndex, int port, PlatformProcess process)
    {
        SiloIndex = siloIndex;
        Port = port;
        Process = process;
        Address = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        Api = new PlatformApiClient(Http);
    }

    /// <summary>The silo whose gateway this host uses.</summary>
    public int SiloIndex { get; }

    public int Port { get; }

    public Uri Address { get; }

    public PlatformProcess Process { get; }

    /// <summary>HttpClient for the host (60 s timeout; no retries).</summary>
    public HttpClient Http { get; }

    /// <summary>The Platform API through this host; <c>Api.With(...)</c> sets a per-request timeout.</summary>
    public PlatformApiClient Api { get; }

    public void Dispose()
    {
        Process.Dispose();
        Http.Dispose();
    }
}
