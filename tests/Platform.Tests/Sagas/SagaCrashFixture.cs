using Platform.Sagas;
using Platform.Testing.Cluster;
using Platform.Testing.Stubs;

namespace Platform.Tests.Sagas;

/// <summary>
/// Three silos (Memory; saga state in a <see cref="SagaCrashPoint"/>'s shared store, reminders in a
/// <see cref="SharedReminderTable"/>, both outliving any silo), no HTTP host, a 1 s resume reminder, and the stub
/// service. Each crash test arms the point once and kills one secondary silo; the next test restarts the slot.
/// </summary>
public sealed class SagaCrashFixture : IAsyncLifetime
{
    private PlatformTestCluster? _cluster;

    public StubService Stub { get; } = new();

    internal SagaCrashPoint Point { get; } = new();

    internal SharedReminderTable Reminders { get; } = new();

    public PlatformTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not initialized.");

    public ISagas Sagas => Cluster.Service<ISagas>();

    public async Task InitializeAsync() => _cluster = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions
    {
        Silos = 3,
        Storage = StorageMode.Memory,
        HttpHost = false,
        Settings = { ["Platform:Sagas:ResumePeriodMs"] = "1000" },
        ConfigureSilo = { silo => Point.Install(silo), silo => Reminders.Install(silo) },
    });

    /// <summary>Restarts every silo slot a previous test killed.</summary>
    public async Task EnsureAllRunningAsync()
    {
        foreach (var silo in Cluster.Silos.Where(s => !s.IsRunning))
        {
            await Cluster.StartSiloAsync(silo.Index);
        }
    }

    public async Task DisposeAsync()
    {
        Point.Release();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Stub.Dispose();
    }
}

/// <summary>Tests that share one <see cref="SagaCrashFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SagaCrashCollection : ICollectionFixture<SagaCrashFixture>
{
    public const string Name = "sagas-crash-cluster";
}
