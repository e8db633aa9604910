using Orleans.Transactions;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Testing.Cluster;
using Platform.Tests.Infrastructure;
using Platform.Transactions;

namespace Platform.Tests.Transactions;

/// <summary>
/// Transactional shards with two activations of one shard (one per independent one-silo cluster on one Azure Table
/// store, as a lost directory race or a silo declared dead but still running gives): an activation that another
/// overtook never answers a read from its stale memory, and never commits a write.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class TransactionalSecondActivationTests(RealServersFixture fixture) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> ShortLease = new() { ["Platform:KeyValue:ShardLeaseTime"] = "00:00:01" };

    private readonly List<PlatformTestCluster> _clusters = [];
    private readonly string _serviceId = fixture.RunId + "-second" + Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            _clusters.Add(await PlatformTestCluster.StartAsync(new()
            {
                Silos = 1,
                Storage = StorageMode.AzureTable,
                AzureTablesConnectionString = fixture.AzureTables,
                TablePrefix = fixture.RunId,
                ServiceId = _serviceId,
                HttpHost = false,
                Settings = ShortLease,
            }));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var cluster in _clusters)
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// Activation A writes and reads a key; activation B (the other cluster) then overwrites it. Every later read
    /// through A answers B's value or fails retry-safe (503), never A's stale memory; and a retry reads B's value.
    /// </summary>
    [Fact]
    public async Task Reads_FromAnActivationThatAnotherOvertook_NeverAnswerTheOverwrittenValue()
    {
        var shard = await CreateNamespaceAsync($"txsecond-{Guid.NewGuid():N}"[..16]);
        var a = Shard(_clusters[0], shard);
        var b = Shard(_clusters[1], shard);

        Assert.Equal(KeyValueWriteStatus.Ok, (await a.Write(Put("k", 1))).Status);
        Assert.Equal([1], (await a.Get("k"))!.Value);

        Assert.Equal(KeyValueWriteStatus.Ok, (await b.Write(Put("k", 2))).Status);
        Assert.Equal([2], (await b.Get("k"))!.Value);

        var answers = new List<string>();
        var read = await ReadAsync(a, "k", answers);
        Assert.True(read is [2], $"reads through A answered: {string.Join(", ", answers)}");
    }

    /// <summary>
    /// After B took the shard over and wrote, a write through A (its stale activation) does not commit over B's
    /// value: it fails or applies after B's write (version 3), and the store ends with one history of versions.
    /// </summary>
    [Fact]
    public async Task Writes_FromAnActivationThatAnotherOvertook_NeverOverwriteUnseen()
    {
        var shard = await CreateNamespaceAsync($"txwrite-{Guid.NewGuid():N}"[..16]);
        var a = Shard(_clusters[0], shard);
        var b = Shard(_clusters[1], shard);

        Assert.Equal(1, (await a.Write(Put("k", 1))).Version);
        Assert.Equal(2, (await b.Write(Put("k", 2))).Version);

        // A conditional write through A on the version A last saw must be refused, whoever serves it.
        KeyValueWriteResult? result = null;
        for (var attempt = 0; attempt < 20 && result is null; attempt++)
        {
            try
            {
                result = await a.Write(Put("k", 3) with { Condition = new KeyValueCondition { IfMatchVersion = 1 } });
            }
            catch (Exception ex) when (ex is PlatformUnavailableException or OrleansTransactionException)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(result);
        Assert.Equal(KeyValueWriteStatus.PreconditionFailed, result.Status);
        Assert.Equal([2], await ReadAsync(b, "k"));
    }

    /// <summary>Reads a key, retrying while the shard moves between activations (503, retry-safe); records each answer.</summary>
    private static async Task<byte[]?> ReadAsync(ITransactionShardGrain shard, string key, List<string>? answers = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var value = (await shard.Get(key))?.Value;
                answers?.Add(value is null ? "absent" : $"value {string.Join(' ', value)}");
                return value;
            }
            catch (Exception ex) when (attempt < 20 && ex is PlatformUnavailableException or OrleansTransactionException)
            {
                answers?.Add(ex.GetType().Name);
                await Task.Delay(100);
            }
        }
    }

    private async Task<ShardId> CreateNamespaceAsync(string ns)
    {
        var generations = new HashSet<long>();
        foreach (var cluster in _clusters)
        {
            var created = await cluster.Client.GetGrain<INamespaceGrain>(ns).Create(new NamespaceSpec { Shards = 1, Transactional = true });
            generations.Add(created.Settings.Generation);
        }

        return new ShardId(ns, Assert.Single(generations), 0);
    }

    private static ITransactionShardGrain Shard(PlatformTestCluster cluster, ShardId shard) =>
        cluster.Client.GetGrain<ITransactionShardGrain>(shard.ToGrainKey());

    private static KeyValueWriteRequest Put(string key, byte value) => new() { Key = key, Value = [value] };
}
