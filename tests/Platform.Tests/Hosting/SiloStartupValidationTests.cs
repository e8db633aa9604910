using System.Diagnostics;
using Platform.Testing.Setup;

namespace Platform.Tests.Hosting;

/// <summary>A bad configuration value stops the real silo process (src/Silo/Platform.Silo) with exit code 2 and one line that names the key.</summary>
public sealed class SiloStartupValidationTests
{
    private static readonly string[] Configurations = ["Release", "Debug"];

    [Theory]
    [InlineData("--Platform:Silo:Port=abc", "Platform:Silo:Port")]
    [InlineData("--Platform:Cluster:Provider=Nope", "Platform:Cluster:Provider")]
    [InlineData("--Platform:Locks:MaxWaitMs=99999", "Platform:Locks:MaxWaitMs")]
    public async Task Silo_WithInvalidSetting_ExitsWithCode2AndOneLineNamingTheKey(string argument, string key)
    {
        var silo = SiloDll();
        var start = new ProcessStartInfo("dotnet", [silo, argument, "--urls", "http://127.0.0.1:0"])
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
            Assert.Fail($"The silo kept running with {argument}.");
        }

        Assert.Equal(2, process.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(key, line, StringComparison.Ordinal);
    }

    /// <summary>The silo binary of this build (Release or Debug, whichever is newer); the solution build produces it.</summary>
    private static string SiloDll()
    {
        var candidates = Configurations
            .Select(c => RepositoryRoot.Combine("src", "Silo", "Platform.Silo", "bin", c, "net10.0", "Platform.Silo.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .ToList();
        Assert.True(candidates.Count > 0, "src/Silo/Platform.Silo is not built: build Platform.sln first");
        return candidates[0];
    }
}
