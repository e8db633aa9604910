using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Platform.Testing.Cluster;
using Platform.Testing.Http;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// A collection fixture owning one <see cref="PlatformTestCluster"/>; subclasses say what kind (storage mode, silos,
/// clock). Spec classes take this base type, so the same tests run against every kind.
/// </summary>
public abstract class PlatformClusterFixture : IAsyncLifetime
{
    private PlatformTestCluster? _cluster;

    public PlatformTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not initialized.");

    public StorageMode Storage => Cluster.Storage;

    /// <summary>The HTTP host's API.</summary>
    public PlatformApiClient Api => Cluster.Api;

    public HttpClient Http => Cluster.Http;

    /// <summary>The typed client, as an application's host resolves it from DI.</summary>
    public IServiceProvider ClientServices => Cluster.ClientServices;

    /// <summary>The cluster's fake clock; throws for a cluster on the system clock.</summary>
    public FakeTimeProvider Time => Cluster.FakeTime ?? throw new InvalidOperationException($"{GetType().Name} runs on the system clock.");

    public T Service<T>()
        where T : notnull => ClientServices.GetRequiredService<T>();

    public async Task InitializeAsync() => _cluster = await PlatformTestCluster.StartAsync(CreateOptions());

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    protected abstract PlatformTestClusterOptions CreateOptions();

    /// <summary>Settings every fixture shares: a small value limit, so the 413 tests stay cheap.</summary>
    protected static Dictionary<string, string?> CommonSettings() => new()
    {
        ["Platform:KeyValue:MaxValueBytes"] = "65536",
    };
}
