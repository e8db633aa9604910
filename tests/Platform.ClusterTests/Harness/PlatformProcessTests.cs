using Platform.Testing.Network;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// The nemesis primitives on one real process (the client host in its embedded, self-contained mode, so no
/// PostgreSQL or Azurite is needed): start and readiness, SIGSTOP/SIGCONT, SIGTERM, SIGKILL, log capture.
/// </summary>
public sealed class PlatformProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Signals_PauseResumeAndTerminate_AffectTheRealProcess()
    {
        var (process, address) = StartEmbeddedHost("signals");
        using (process)
        {
            await process.WaitReadyAsync(address, Timeout);

            process.Pause();
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => probe.GetAsync(new Uri(address, "/healthz")));
            Assert.False(process.HasExited);

            process.Resume();
            await process.WaitReadyAsync(address, Timeout);

            process.Signal(PosixSignal.Term);
            Assert.True(await process.WaitForExitAsync(Timeout), "SIGTERM did not stop the process");
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("nemesis: SIGTERM", process.Tail(200), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Kill_StopsAPausedProcessAtOnce_AndDisposeIsSafeAfterwards()
    {
        var (process, address) = StartEmbeddedHost("kill");
        await process.WaitReadyAsync(address, Timeout);
        process.Pause();

        process.Kill();

        Assert.True(process.HasExited);
        Assert.NotEqual(0, process.ExitCode);
        process.Dispose();
        process.Dispose();
    }

    [Fact]
    public async Task WaitReady_WhenTheProcessExitsEarly_FailsWithItsOutput()
    {
        var dir = Path.Combine(Path.GetTempPath(), "platform-cluster-tests", "process-" + Guid.NewGuid().ToString("N")[..8]);
        using var process = PlatformProcess.Start("bad-config", PlatformBinaries.ClientHost,
            ["--Platform:Silo:Port=0", $"--urls=http://127.0.0.1:{FreePorts.Next()}"], Path.Combine(dir, "bad.log"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => process.WaitReadyAsync(new Uri("http://127.0.0.1:1"), Timeout));

        Assert.Contains("Platform:Silo:Port", error.Message, StringComparison.Ordinal);
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
