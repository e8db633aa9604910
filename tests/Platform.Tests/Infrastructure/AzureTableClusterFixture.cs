using Platform.Testing.Cluster;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// Like <see cref="ClusterFixture"/> but on AzureTable storage (the Azurite of scripts/test.sh, tables of its own):
/// the storage-mode specs run against both.
/// </summary>
public sealed class AzureTableClusterFixture : PlatformClusterFixture
{
    protected override PlatformTestClusterOptions CreateOptions() => new()
    {
        Silos = 2,
        Storage = StorageMode.AzureTable,
        Settings = CommonSettings(),
    };
}
