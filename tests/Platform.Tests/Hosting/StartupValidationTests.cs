using System.Diagnostics;

namespace Platform.Tests.Hosting;

/// <summary>A bad configuration value stops the real host process with one line that names the key.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("--Platform:Silo:Port=0", "Platform:Silo:Port")]
    [InlineData("--Platform:Silo:Port=abc", "Platform:Silo:Port")]
    [InlineData("--Platform:Cluster:Provider=Nope", "Platform:Cluster:Provider")]
    [InlineData("--Platform:Storage:Provider=Disk", "Platform:Storage:Provider")]
    [InlineData("--Platform:KeyValue:MaxKeyBytes=4096", "Platform:KeyValue:MaxKeyBytes")]
    [InlineData("--Platform:Client:Gateways:0=nowhere", "Platform:Client:Gateways")]
    [InlineData("--Platform:RateLimit:PermitsPerSecond=-1", "Platform:RateLimit:PermitsPerSecond")]
    public async Task ClientHost_WithInvalidSetting_ExitsWithCode2AndOneLineNamingTheKey(string argument, string key)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Platform.Client.Host.dll");
        var start = new ProcessStartInfo("dotnet", [host, argument, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The host kept running with {argument}.");
        }

        Assert.Equal(2, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains(key, line);
    }
}
