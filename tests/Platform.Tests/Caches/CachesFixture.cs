using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Platform.Caches;
using Platform.Silo.Hosting.Caches;
using Platform.Testing.Cluster;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Caches;

/// <summary>
/// The caches tests' cluster: one silo on a <see cref="FakeTimeProvider"/> (TTLs, write-behind delays and near-cache
/// checks move only when a test advances it), the HTTP host and the typed client as two client hosts, and every
/// silo's cache source wrapped in <see cref="TestCacheSource"/> (counted, holdable, failable).
/// </summary>
public sealed class CachesFixture : PlatformClusterFixture
{
    public TestSourceState Source { get; } = new();

    /// <summary>The near-cache check period these tests run with.</summary>
    public static readonly TimeSpan NearCacheCheck = TimeSpan.FromSeconds(1);

    protected override PlatformTestClusterOptions CreateOptions()
    {
        var settings = CommonSettings();
        settings["Platform:Caches:NearCacheCheckMs"] = ((int)NearCacheCheck.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Platform:Caches:MaxTagsPerEntry"] = "4";
        return new PlatformTestClusterOptions
        {
            Silos = 1,
            Storage = StorageMode.Memory,
            Time = new FakeTimeProvider(DateTimeOffset.UtcNow),
            Settings = settings,
            ConfigureSilo = { silo => silo.Services.AddSingleton<ICacheSourceClient>(sp => new TestCacheSource(Source, ActivatorUtilities.CreateInstance<CacheSourceClient>(sp))) },
        };
    }

    /// <summary>The typed client of the test's own client host.</summary>
    public ICaches Caches => Service<ICaches>();

    /// <summary>The typed client inside the HTTP host (the second client host).</summary>
    public ICaches HostCaches => Cluster.HttpHost!.Services.GetRequiredService<ICaches>();
}

/// <summary>Tests that share one <see cref="CachesFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class CachesCollection : ICollectionFixture<CachesFixture>
{
    public const string Name = "caches-cluster";
}
