using Platform.Sagas;
using Platform.Testing.Cluster;
using Platform.Testing.Stubs;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Sagas;

/// <summary>The sagas tests' cluster: one silo on the system clock (backoffs are 0-10 ms here), the HTTP host, and a stub HTTP service.</summary>
public sealed class SagasFixture : PlatformClusterFixture, IDisposable
{
    public StubService Stub { get; } = new();

    protected override PlatformTestClusterOptions CreateOptions() => new()
    {
        Silos = 1,
        Storage = StorageMode.Memory,
        Settings = CommonSettings(),
    };

    /// <summary>The typed client of the test's own client host.</summary>
    public ISagas Sagas => Service<ISagas>();

    public void Dispose() => Stub.Dispose();
}

/// <summary>Tests that share one <see cref="SagasFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SagasCollection : ICollectionFixture<SagasFixture>
{
    public const string Name = "sagas-cluster";
}
