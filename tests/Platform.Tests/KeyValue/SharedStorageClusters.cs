using Microsoft.Extensions.DependencyInjection;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Testing.Cluster;

namespace Platform.Tests.KeyValue;

/// <summary>
/// Independent one-silo Memory test clusters on one set of <see cref="MemoryStores"/>, whose silos reach the shard store
/// through one <see cref="HookedShardStorage"/>. Each cluster has its own grain directory, so the same shard id
/// activates once per cluster: two activations of one shard on one storage, as a lost directory race or a silo
/// declared dead but still running gives in production. Dispose to stop every cluster.
/// </summary>
public sealed class SharedStorageClusters : IAsyncDisposable
{
    private readonly MemoryStores _stores = new();
    private readonly List<PlatformTestCluster> _clusters = [];

    public SharedStorageClusters()
    {
        Storage = new HookedShardStorage(_stores.Shards);
    }

    public HookedShardStorage Storage { get; }

    public IReadOnlyList<PlatformTestCluster> Clusters => _clusters;

    /// <summary>Starts one more cluster (one silo, no HTTP host) on the shared stores, with extra settings.</summary>
    public async Task<PlatformTestCluster> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var cluster = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions
        {
            Silos = 1,
            Storage = StorageMode.Memory,
            MemoryStores = _stores,
            HttpHost = false,
            Settings = settings ?? new Dictionary<string, string?>(),
            ConfigureSilo = { silo => silo.Services.AddSingleton<IShardStorage>(Storage) },
        });
        _clusters.Add(cluster);
        return cluster;
    }

    /// <summary>Creates <paramref name="ns"/> (one shard) in every cluster; each gets generation 1, so all name the same shard.</summary>
    public async Task<ShardId> CreateNamespaceAsync(string ns)
    {
        var generations = new HashSet<long>();
        foreach (var cluster in _clusters)
        {
            var created = await cluster.Client.GetGrain<INamespaceGrain>(ns).Create(new NamespaceSpec { Shards = 1 });
            generations.Add(created.Settings.Generation);
        }

        return new ShardId(ns, Assert.Single(generations), 0);
    }

    public static IKeyValueShardGrain Shard(PlatformTestCluster cluster, ShardId shard) =>
        cluster.Client.GetGrain<IKeyValueShardGrain>(shard.ToGrainKey());

    public async ValueTask DisposeAsync()
    {
        foreach (var cluster in _clusters)
        {
            await cluster.DisposeAsync();
        }
    }
}

/// <summary>Shard storage over another with a one-shot hook that runs before the next entry write (to play another activation).</summary>
public sealed class HookedShardStorage(IShardStorage inner) : IShardStorage
{
    private Func<ShardId, KeyValueEntry, Task>? _beforeWrite;

    public IShardStorage Inner { get; } = inner;

    /// <summary>Runs once, before the next <see cref="WriteAsync"/> reaches the store.</summary>
    public void BeforeNextWrite(Func<ShardId, KeyValueEntry, Task> hook) => _beforeWrite = hook;

    public Task<IReadOnlyList<StoredEntry>> LoadAsync(ShardId shard, CancellationToken cancellationToken = default) =>
        Inner.LoadAsync(shard, cancellationToken);

    public Task<StoredEntry?> ReadAsync(ShardId shard, string key, CancellationToken cancellationToken = default) =>
        Inner.ReadAsync(shard, key, cancellationToken);

    public async Task<string> WriteAsync(ShardId shard, KeyValueEntry entry, string? expectedETag, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _beforeWrite, null) is { } hook)
        {
            await hook(shard, entry);
        }

        return await Inner.WriteAsync(shard, entry, expectedETag, cancellationToken);
    }

    public Task DeleteAsync(ShardId shard, string key, string expectedETag, CancellationToken cancellationToken = default) =>
        Inner.DeleteAsync(shard, key, expectedETag, cancellationToken);

    public Task DropAsync(ShardId shard, CancellationToken cancellationToken = default) => Inner.DropAsync(shard, cancellationToken);

    public Task<StoredShardLease?> ReadLeaseAsync(ShardId shard, CancellationToken cancellationToken = default) =>
        Inner.ReadLeaseAsync(shard, cancellationToken);

    public Task<string> WriteLeaseAsync(ShardId shard, ShardLease lease, string? expectedETag, CancellationToken cancellationToken = default) =>
        Inner.WriteLeaseAsync(shard, lease, expectedETag, cancellationToken);
}
