using Platform.Testing.Network;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// The partition nemesis on one real process (the embedded client host, so no PostgreSQL or Azurite is needed): an
/// isolated process answers nobody and hears nobody (a request on a connection opened before the cut never reaches
/// it), its open ports still work both ways, and healing restores the rest.
/// </summary>
public sealed class NetworkPartitionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Isolate_CutsEveryConnectionToTheProcess_AndHealRestoresThem()
    {
        Assert.True(NetworkPartition.IsSupported, NetworkPartition.UnsupportedReason);
        var (process, address) = StartEmbeddedHost("partition");
        using (process)
        {
            await process.WaitReadyAsync(address, Timeout);
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            using var before = await probe.GetAsync(new Uri(address, "/healthz"));
            Assert.True(before.IsSuccessStatusCode);

            using (var cut = NetworkPartition.Isolate(process))
            {
                // A fresh client: pooled connections would stall the same way, but a new one proves new SYNs die too.
                using var fresh = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
                await Assert.ThrowsAnyAsync<TaskCanceledException>(() => fresh.GetAsync(new Uri(address, "/healthz")));
                await Assert.ThrowsAnyAsync<TaskCanceledException>(() => probe.GetAsync(new Uri(address, "/healthz")));
                Assert.False(process.HasExited);
                cut.Heal();
            }

            await process.WaitReadyAsync(address, Timeout);
            Assert.Contains("nemesis: network partition", process.Tail(200), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Isolate_WithAnOpenPort_KeepsThatPortReachable()
    {
        Assert.True(NetworkPartition.IsSupported, NetworkPartition.UnsupportedReason);
        var (process, address) = StartEmbeddedHost("partition-open");
        using (process)
        {
            await process.WaitReadyAsync(address, Timeout);

            using var cut = NetworkPartition.Isolate(process, open: [address.Port]);

            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var answer = await probe.GetAsync(new Uri(address, "/healthz"));
            Assert.True(answer.IsSuccessStatusCode);
        }
    }

    /// <summary>
    /// Inbound traffic is cut too: a PUT sent during the cut on a keep-alive connection opened before it (so no new
    /// handshake is involved) never reaches the process: read through a second, open port while the cut still holds,
    /// the key does not exist. Cutting only what the process sends would let it apply the PUT and lose just the answer.
    /// </summary>
    [Fact]
    public async Task Isolate_DropsWhatReachesTheProcess_NotOnlyWhatItSends()
    {
        Assert.True(NetworkPartition.IsSupported, NetworkPartition.UnsupportedReason);
        var second = FreePorts.Next();
        var (process, address) = StartEmbeddedHost("partition-inbound", second);
        using (process)
        {
            await process.WaitReadyAsync(address, Timeout);
            var open = new Uri($"http://127.0.0.1:{second}");
            using var pooled = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            using (var warm = await pooled.GetAsync(new Uri(address, "/healthz")))
            {
                Assert.True(warm.IsSuccessStatusCode);
            }

            using var cut = NetworkPartition.Isolate(process, open: [second], listening: [address.Port, second]);
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => pooled.PutAsync(new Uri(address, "/v1/kv/default/cut-inbound"), new StringContent("x")));

            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var read = await probe.GetAsync(new Uri(open, "/v1/kv/default/cut-inbound"));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, read.StatusCode);

            // The control: the same PUT through the open port is applied.
            using var control = await probe.PutAsync(new Uri(open, "/v1/kv/default/cut-inbound"), new StringContent("x"));
            Assert.Equal(System.Net.HttpStatusCode.Created, control.StatusCode);
        }
    }

    private static (PlatformProcess Process, Uri Address) StartEmbeddedHost(string name, int? secondPort = null)
    {
        var http = FreePorts.Next();
        var dir = Path.Combine(Path.GetTempPath(), "platform-cluster-tests", "process-" + Guid.NewGuid().ToString("N")[..8]);
        var process = PlatformProcess.Start(name, PlatformBinaries.ClientHost,
        [
            $"--Platform:Silo:Port={FreePorts.Next()}",
            $"--Platform:Silo:GatewayPort={FreePorts.Next()}",
            secondPort is { } port ? $"--urls=http://127.0.0.1:{http};http://127.0.0.1:{port}" : $"--urls=http://127.0.0.1:{http}",
        ], Path.Combine(dir, name + ".log"));
        return (process, new Uri($"http://127.0.0.1:{http}"));
    }
}
