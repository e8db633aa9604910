using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Platform.Errors;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Testing.Cluster;
using Platform.Tests.Locks;
using Platform.Transactions;
using Xunit.Abstractions;

namespace Platform.Tests.Transactions;

/// <summary>
/// A transaction whose keys all live on one shard has one participant, so Orleans' transaction agent sends it one
/// <c>PrepareAndCommit</c> and that shard, as its own manager, stores the outcome with the state: no prepare round to
/// other grains. Transactions spanning shards still run the two-phase commit, and the two kinds isolate each other
/// through the same transaction locks. Storage writes are counted per grain by a decorator on the real (memory)
/// transactional storage.
/// </summary>
public sealed class SingleShardTransactionTests(SingleShardTransactionTests.CountingCluster fixture, ITestOutputHelper output)
    : IClassFixture<SingleShardTransactionTests.CountingCluster>
{
    private IKeyValueStore Kv => fixture.Cluster.ClientServices.GetRequiredService<IKeyValueStore>();

    [Fact]
    public async Task OneShardTransaction_WritesOnlyItsShard_AndACrossShardOneWritesBoth()
    {
        var (ns, sameA, sameB, other) = await BankAsync();
        var shardOfA = Shard(sameA);
        var shardOfOther = Shard(other);

        await QuietAsync(ns);
        await Kv.Transaction(ns).Then(TransactionOp.Add(sameA, -1), TransactionOp.Add(sameB, 1)).CommitAsync();
        var single = await SettledWritesAsync(ns);
        output.WriteLine($"one-shard transaction: {string.Join(", ", single.Select(w => $"{w.Key} x{w.Value}"))}");
        Assert.Equal(new[] { shardOfA }, single.Keys.ToArray());
        Assert.Equal(1, single[shardOfA]); // prepare and commit in one store: no prepare round

        await QuietAsync(ns);
        await Kv.Transaction(ns).Then(TransactionOp.Add(sameB, -1), TransactionOp.Add(other, 1)).CommitAsync();
        var cross = await SettledWritesAsync(ns);
        output.WriteLine($"cross-shard transaction: {string.Join(", ", cross.Select(w => $"{w.Key} x{w.Value}"))}");
        Assert.Equal(new[] { shardOfA, shardOfOther }.Order(), cross.Keys.Order());
        Assert.All(cross.Values, writes => Assert.True(writes >= 2, "each participant of a two-phase commit stores its prepare, then the commit"));
    }

    /// <summary>
    /// One-shard transfers (a → b) and cross-shard transfers (b → c) run at once with readers of all three keys in one
    /// transaction: every read totals 300, and the final balances are what the acknowledged transfers say.
    /// </summary>
    [Fact]
    public async Task OneShardAndCrossShardTransfers_AtOnce_NeverShowAPartialTransfer()
    {
        var (ns, a, b, c) = await BankAsync();
        int single = 0, cross = 0, unknown = 0, reads = 0;
        var badReads = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));

        async Task Transfer(string from, string to, Action committed)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Kv.Transaction(ns).Then(TransactionOp.Add(from, -1), TransactionOp.Add(to, 1)).CommitAsync();
                    committed();
                }
                catch (PlatformTransactionFailedException ex) when (ex.RetrySafe)
                {
                }
                catch (Exception ex) when (ex is PlatformTransactionFailedException or TimeoutException)
                {
                    Interlocked.Increment(ref unknown);
                }
            }
        }

        async Task Read()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var result = await Kv.Transaction(ns).Then(TransactionOp.Get(a), TransactionOp.Get(b), TransactionOp.Get(c)).CommitAsync();
                    var values = result.Results.Select(r => long.Parse(Encoding.UTF8.GetString(r.Value!), CultureInfo.InvariantCulture)).ToArray();
                    Interlocked.Increment(ref reads);
                    if (values.Sum() != 300)
                    {
                        badReads.Enqueue(string.Join(" + ", values));
                    }
                }
                catch (PlatformTransactionFailedException)
                {
                }
            }
        }

        await Task.WhenAll(
            Task.Run(() => Transfer(a, b, () => Interlocked.Increment(ref single))),
            Task.Run(() => Transfer(a, b, () => Interlocked.Increment(ref single))),
            Task.Run(() => Transfer(b, c, () => Interlocked.Increment(ref cross))),
            Task.Run(() => Transfer(b, c, () => Interlocked.Increment(ref cross))),
            Task.Run(Read),
            Task.Run(Read));

        var final = await Kv.Transaction(ns).Then(TransactionOp.Get(a), TransactionOp.Get(b), TransactionOp.Get(c)).CommitAsync();
        var (fa, fb, fc) = (Value(final, 0), Value(final, 1), Value(final, 2));
        output.WriteLine($"one-shard {single}, cross-shard {cross}, unknown {unknown}, reads {reads}; final {fa} {fb} {fc}");
        Assert.Empty(badReads);
        Assert.True(single > 0 && cross > 0 && reads > 0, "every kind of transaction ran");
        Assert.Equal(300, fa + fb + fc);
        if (unknown == 0)
        {
            Assert.Equal((100 - single, 100 + single - cross, 100 + cross), (fa, fb, fc));
        }
        else
        {
            Assert.InRange(100 - fa, single, single + unknown);
            Assert.InRange(fc - 100, cross, cross + unknown);
        }
    }

    /// <summary>
    /// Clears the counts once no write of <paramref name="ns"/> came for 500 ms: a participant of an earlier
    /// cross-shard transaction stores its commit confirmation lazily, after the client heard the outcome.
    /// </summary>
    private async Task QuietAsync(string ns)
    {
        for (var round = 0; round < 60; round++)
        {
            fixture.Storage.Operations.Clear();
            await Task.Delay(500);
            if (WritesIn(ns).Count == 0)
            {
                return;
            }
        }

        Assert.Fail($"writes to {ns} never stopped for 500 ms");
    }

    private static long Value(TransactionResult result, int index) =>
        long.Parse(Encoding.UTF8.GetString(result.Results[index].Value!), CultureInfo.InvariantCulture);

    /// <summary>A fresh 4-shard transactional namespace with 100 in each of three keys: two on one shard, one on another.</summary>
    private async Task<(string Ns, string SameA, string SameB, string Other)> BankAsync()
    {
        var ns = $"one-{Guid.NewGuid():N}"[..16];
        await fixture.Cluster.ClientServices.GetRequiredService<INamespaceAdmin>().CreateAsync(ns, new NamespaceSpec { Shards = 4, Transactional = true });
        var ring = new HashRing(4);
        var keys = Enumerable.Range(0, 100).Select(i => $"k{i}").ToList();
        var first = keys[0];
        var same = keys.Skip(1).First(k => ring.ShardFor(k) == ring.ShardFor(first));
        var other = keys.First(k => ring.ShardFor(k) != ring.ShardFor(first));
        // One transaction per shard: a cross-shard setup would leave a participant's lazy commit confirmation to land
        // inside the counted window.
        await Kv.Transaction(ns).Then(TransactionOp.Put(first, "100"), TransactionOp.Put(same, "100")).CommitAsync();
        await Kv.Transaction(ns).Then(TransactionOp.Put(other, "100")).CommitAsync();
        return (ns, first, same, other);
    }

    private static int Shard(string key) => new HashRing(4).ShardFor(key);

    /// <summary>
    /// The writes since the last clear once they stopped changing for 500 ms: a participant's commit confirmation is
    /// stored after the client heard the outcome, so counting at once would depend on the machine's speed.
    /// </summary>
    private async Task<Dictionary<int, int>> SettledWritesAsync(string ns)
    {
        var seen = WritesIn(ns);
        for (var round = 0; round < 60; round++)
        {
            await Task.Delay(500);
            var now = WritesIn(ns);
            if (now.Count == seen.Count && now.All(w => seen.GetValueOrDefault(w.Key) == w.Value))
            {
                return now;
            }

            seen = now;
        }

        Assert.Fail($"writes to {ns} never settled for 500 ms");
        return seen;
    }

    /// <summary>Transactional-state writes since the last clear, per shard index of <paramref name="ns"/>.</summary>
    private Dictionary<int, int> WritesIn(string ns) => fixture.Storage.Operations
        .Select(w => (Shard: ShardId.Parse(GrainId.Parse(w.Key[(w.Key.IndexOf('/', StringComparison.Ordinal) + 1)..]).Key.ToString()!), Count: w.Value))
        .Where(w => w.Shard.Namespace == ns)
        .GroupBy(w => w.Shard.Index)
        .ToDictionary(g => g.Key, g => g.Sum(w => w.Count));

    /// <summary>One silo whose transactional state storage counts its writes per grain (no faults are injected).</summary>
    public sealed class CountingCluster : IAsyncLifetime
    {
        private const string InnerTransactionStorage = "txn-inner";

        /// <summary>Its <see cref="StorageFaults.Operations"/> are the writes per <c>{stateName}/{grainId}</c>.</summary>
        public StorageFaults Storage { get; } = new();

        public PlatformTestCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions
        {
            Silos = 1,
            ConfigureSilo =
            {
                silo =>
                {
                    silo.AddMemoryGrainStorage(InnerTransactionStorage);
                    silo.Services.AddKeyedSingleton<IGrainStorage>(TransactionStorage.Name, (sp, _) =>
                        new FaultyGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerTransactionStorage), Storage));
                },
            },
        });

        public async Task DisposeAsync()
        {
            if (Cluster is not null)
            {
                await Cluster.DisposeAsync();
            }
        }
    }
}
