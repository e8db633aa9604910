using Platform.Testing.Network;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// The partition nemesis on one real process (the embedded client host, so no PostgreSQL or Azurite is needed): an
/// isolated process answers nobody, its open ports still work both ways, and healing restores the rest.
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

    private static (PlatformProcess Process, Uri Address) StartEmbeddedHost(string name)
    {
        var http = FreePorts.Next();
        var dir = Path.Combine(Path.GetTempPath(), "platform-cluster-tests", "process-" + Guid.NewGuid().ToString("N")[..8]);
        var process = PlatformProcess.Start(name, PlatformBinaries.ClientHost,
        [
            $"--Platform:Silo:Port={FreePorts.Next()}",
            $"--Platform:Silo:GatewayPort={FreePorts.Next()}",
            $"--urls=http://127.0.0.1:{http}",
        ], Path.Combine(dir, name + ".log"));
        return (process, new Uri($"http://127.0.0.1:{http}"));
    }
}
