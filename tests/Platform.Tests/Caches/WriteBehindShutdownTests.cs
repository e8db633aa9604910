using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.Caches;
using Platform.Silo.Hosting.Caches;
using Platform.Testing.Cluster;

namespace Platform.Tests.Caches;

/// <summary>Write-behind across a graceful shutdown: the shards drain their queues before the silos stop.</summary>
public sealed class WriteBehindShutdownTests
{
    /// <summary>
    /// 10,000 write-behind writes over 1,000 keys with a delay far longer than the test, then every silo stopped
    /// gracefully one after the other: the source holds every key's last value.
    /// </summary>
    [Fact]
    public async Task GracefulShutdown_DrainsEveryWaitingWrite()
    {
        var source = new TestSourceState();
        const string cache = "wb-shutdown";
        const int keys = 1_000;
        const int writes = 10_000;
        var cluster = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions
        {
            Silos = 2,
            HttpHost = false,
            ConfigureSilo = { silo => silo.Services.AddSingleton<ICacheSourceClient>(sp => new TestCacheSource(source, ActivatorUtilities.CreateInstance<CacheSourceClient>(sp))) },
        });
        await using (cluster)
        {
            var caches = cluster.Service<ICaches>();
            await caches.PutAsync(cache, new CacheSpec
            {
                Shards = 4,
                Capacity = new CacheCapacity { Entries = 10_000 },
                Strategy = CacheStrategy.WriteBehind,
                Source = new CacheSource { Http = TestSourceState.MemoryUrl },
                WriteBehind = new CacheWriteBehind { DelayMs = 60_000, MaxBatch = 200, MaxQueue = 100_000 },
            });
            for (var batch = 0; batch < writes; batch += 100)
            {
                await Task.WhenAll(Enumerable.Range(batch, 100).Select(i => caches.SetAsync(cache, $"k{i % keys}", Encoding.UTF8.GetBytes($"v{i}"))));
            }

            Assert.Equal(0, source.WritesOf(cache));                       // nothing is due yet
            var stats = await caches.StatsAsync(cache);
            Assert.Equal(writes, stats.Total.WriteBehindQueued);
            await cluster.StopSiloAsync(cluster.Secondaries[0].Index);
        }

        var lost = Enumerable.Range(writes - keys, keys)
            .Count(i => !source.Memory.TryGetValue((cache, $"k{i % keys}"), out var value) || Encoding.UTF8.GetString(value) != $"v{i}");
        Assert.Equal(0, lost);
        Assert.Equal(keys, source.WritesOf(cache));                        // coalesced: one source write per key
    }
}
