using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Silo.Hosting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary>
/// Independent one-silo test clusters whose silos share one shard store (<see cref="HookedShardStorage"/>) and one
/// lease store. Each cluster has its own grain directory, so the same shard id activates once per cluster: two
/// activations of one shard on one storage, as a lost directory race or a silo declared dead but still running
/// gives in production. Dispose to stop every cluster.
/// </summary>
public sealed class SharedStorageClusters : IAsyncDisposable
{
    public const string StoreSetting = "PlatformTests:SharedShardStore";

    private static readonly ConcurrentDictionary<string, HookedShardStorage> Stores = new(StringComparer.Ordinal);

    private readonly string _store = Guid.NewGuid().ToString("N");
    private readonly List<TestCluster> _clusters = [];

    public HookedShardStorage Storage => Stores.GetOrAdd(_store, static _ => new HookedShardStorage());

    public IReadOnlyList<TestCluster> Clusters => _clusters;

    /// <summary>Starts one more cluster on the shared stores, with extra settings for its silo.</summary>
    public async Task<TestCluster> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = new TestClusterBuilder(1);
        builder.ConfigureHostConfiguration(c => c
            .AddInMemoryCollection([new(StoreSetting, _store)])
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>()));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
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

    public static IKeyValueShardGrain Shard(TestCluster cluster, ShardId shard) =>
        cluster.Client.GetGrain<IKeyValueShardGrain>(shard.ToGrainKey());

    public async ValueTask DisposeAsync()
    {
        foreach (var cluster in _clusters)
        {
            await cluster.DisposeAsync();
        }

        Stores.TryRemove(_store, out _);
        SharedGrainStorage.Forget(_store);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var key = siloBuilder.Configuration[StoreSetting] ?? throw new InvalidOperationException($"{StoreSetting} is not set.");
            siloBuilder.Services.AddSingleton<IShardStorage>(Stores.GetOrAdd(key, static _ => new HookedShardStorage()));
            SharedGrainStorage.AddAsLeaseStorage(siloBuilder, key);
            siloBuilder.AddPlatformGrains(siloBuilder.Configuration);
        }
    }
}

/// <summary>Memory shard storage with a one-shot hook that runs before the next entry write (to play another activation).</summary>
public sealed class HookedShardStorage : IShardStorage
{
    private Func<ShardId, KeyValueEntry, Task>? _beforeWrite;

    public MemoryShardStorage Inner { get; } = new();

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
