using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Platform.Configuration;
using Platform.Locks;
using Platform.ServiceDefaults;

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
    // Valid on its own, refused only by the AzureTable storage's validator when the host starts (ValidateOnStart).
    [InlineData("--Platform:Storage:Provider=AzureTable --Platform:Storage:ConnectionString=UseDevelopmentStorage=true --Platform:KeyValue:MaxValueBytes=3000000", "Platform:KeyValue:MaxValueBytes")]
    public async Task ClientHost_WithInvalidSetting_ExitsWithCode2AndOneLineNamingTheKey(string arguments, string key)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Platform.Client.Host.dll");
        var start = new ProcessStartInfo("dotnet", [host, .. arguments.Split(' '), "--urls", "http://127.0.0.1:0"])
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
            Assert.Fail($"The host kept running with {arguments}.");
        }

        Assert.Equal(2, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains(key, line);
    }

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
