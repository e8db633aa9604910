using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Platform.Configuration;
using Platform.Locks;
using Platform.ServiceDefaults;
using Platform.Silo.Hosting;
using Platform.Silo.Hosting.Storage;
using Platform.Testing.Setup;

namespace Platform.Tests.Hosting;

/// <summary>A bad configuration value stops the real host process with one line that names the key.</summary>
public sealed class StartupValidationTests
{
    private static readonly string[] Configurations = ["Release", "Debug"];

    [Theory]
    [InlineData("--Platform:Silo:Port=0", "Platform:Silo:Port")]
    [InlineData("--Platform:Silo:Port=abc", "Platform:Silo:Port")]
    [InlineData("--Platform:Cluster:Provider=Nope", "Platform:Cluster:Provider")]
    [InlineData("--Platform:Storage:Provider=Disk", "Platform:Storage:Provider")]
    [InlineData("--Platform:KeyValue:MaxKeyBytes=4096", "Platform:KeyValue:MaxKeyBytes")]
    [InlineData("--Platform:KeyValue:RingCacheSize=0", "Platform:KeyValue:RingCacheSize")]
    [InlineData("--Platform:Client:Gateways:0=nowhere", "Platform:Client:Gateways")]
    [InlineData("--Platform:RateLimit:PermitsPerSecond=-1", "Platform:RateLimit:PermitsPerSecond")]
    // Valid on its own, refused only by the AzureTable storage's validator when the host starts (ValidateOnStart).
    [InlineData("--Platform:Storage:Provider=AzureTable --Platform:Storage:ConnectionString=UseDevelopmentStorage=true --Platform:KeyValue:MaxValueBytes=3000000", "Platform:KeyValue:MaxValueBytes")]
    public async Task ClientHost_WithInvalidSetting_ExitsWithCode2AndOneLineNamingTheKey(string arguments, string key)
    {
        var line = await RunUntilExitAsync(Path.Combine(AppContext.BaseDirectory, "Platform.Client.Host.dll"), arguments.Split(' '));
        Assert.Contains(key, line);
    }

    /// <summary>A bad configuration value stops the real silo process (src/Silo/Platform.Silo) with exit code 2 and one line naming the key.</summary>
    [Theory]
    [InlineData("--Platform:Silo:Port=abc", "Platform:Silo:Port")]
    [InlineData("--Platform:Cluster:Provider=Nope", "Platform:Cluster:Provider")]
    [InlineData("--Platform:Locks:MaxWaitMs=99999", "Platform:Locks:MaxWaitMs")]
    public async Task Silo_WithInvalidSetting_ExitsWithCode2AndOneLineNamingTheKey(string argument, string key)
    {
        var line = await RunUntilExitAsync(SiloBinary(), [argument]);
        Assert.Contains(key, line, StringComparison.Ordinal);
    }

    /// <summary>
    /// Where grain state lives: memory for the embedded single-silo default, Azure Table when configured, and for
    /// Memory storage in a multi-silo cluster (which starts, and serves replicated namespaces) the system replica group;
    /// the silos' own memory only with the test-only opt-in.
    /// </summary>
    [Theory]
    [InlineData(StorageProvider.Memory, ClusterProvider.AdoNet, false, GrainStateMode.Replicated)]
    [InlineData(StorageProvider.Memory, ClusterProvider.AdoNet, true, GrainStateMode.Volatile)]
    [InlineData(StorageProvider.Memory, ClusterProvider.Localhost, false, GrainStateMode.Memory)]
    [InlineData(StorageProvider.AzureTable, ClusterProvider.AdoNet, false, GrainStateMode.Durable)]
    public void ModeOf_KeepsGrainStateInTheSystemGroupForMemoryStorageInAMultiSiloCluster(StorageProvider storage, ClusterProvider cluster, bool optIn, GrainStateMode expected)
    {
        var mode = StorageSiloBuilderExtensions.ModeOf(
            new PlatformStorageOptions { Provider = storage, AllowVolatileInCluster = optIn },
            new PlatformClusterOptions { Provider = cluster });

        Assert.Equal(expected, mode);
    }

    /// <summary>Runs a built host with <paramref name="arguments"/>; asserts it exits with code 2 and one line on stderr, and returns that line.</summary>
    private static async Task<string> RunUntilExitAsync(string dll, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet", [dll, .. arguments, "--urls", "http://127.0.0.1:0"])
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
            Assert.Fail($"{Path.GetFileName(dll)} kept running with {string.Join(' ', arguments)}.");
        }

        Assert.Equal(2, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines);
    }

    /// <summary>The standalone silo as built beside the tests (scripts/test.sh builds the solution): the newer of Release and Debug.</summary>
    private static string SiloBinary() =>
        Configurations
            .Select(c => RepositoryRoot.Combine("src", "Silo", "Platform.Silo", "bin", c, "net10.0", "Platform.Silo.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault()
        ?? throw new FileNotFoundException("Platform.Silo.dll is not built under src/Silo/Platform.Silo/bin/{Release,Debug}/net10.0; build the solution first.");

    /// <summary>
    /// Options bound with AddPlatformOptions are checked when the host starts: a value the binder cannot convert and
    /// a value the validator refuses each stop the start with an error the start-up wrapper turns into one line
    /// naming the key.
    /// </summary>
    [Theory]
    [InlineData("Platform:Locks:MaxWaitMs", "soon")]
    [InlineData("Platform:Locks:MaxWaitMs", "99999")]
    public async Task HostStart_WithInvalidBoundOption_FailsWithOneLineNamingTheKey(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new(key, value)]);
        builder.Services.AddPlatformOptions<LockOptions>(LockOptions.SectionName);
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var line = PlatformHost.DescribeConfigurationError(error);
        Assert.NotNull(line);
        Assert.DoesNotContain('\n', line);
        Assert.Contains(key, line, StringComparison.Ordinal);
    }

    /// <summary>Failures that are not about configuration are left to crash the host as before.</summary>
    [Fact]
    public void DescribeConfigurationError_OfAnotherFailure_IsNull() =>
        Assert.Null(PlatformHost.DescribeConfigurationError(new InvalidOperationException("boom", new IOException("disk"))));
}
