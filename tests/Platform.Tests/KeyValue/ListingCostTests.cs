using System.Text;
using Platform.KeyValue;
using Platform.Sharding;
using Platform.Testing.Cluster;

namespace Platform.Tests.KeyValue;

/// <summary>
/// A listing page costs in proportion to the page, not to shards x limit: counted at the seam the client lists
/// through (<c>IKeyValueShards</c>, faked here with shards in memory) and, in a real cluster, at the shard grains
/// (an incoming grain call filter counting <c>ListKeys</c> calls and the key names they return).
/// </summary>
public sealed class ListingCostTests
{
    /// <summary>
    /// One page of 100 keys over 64 shards holding 10,000 evenly spread keys fetches at most 2 x limit + shards x
    /// the first batch (ceil(limit / shards) + 2) key names, 456 (asking every shard for the whole page fetched
    /// 6,400), with one call per shard and few refills; ten times the page costs about ten times as much.
    /// </summary>
    [Theory]
    [InlineData(100)]
    [InlineData(1000)]
    public async Task Page_OverManyShards_FetchesKeyNamesInProportionToThePage(int limit)
    {
        const int shardCount = 64;
        var shards = CountingShards.Spread(shardCount, Enumerable.Range(0, 10_000).Select(i => $"key-{i:D5}"));

        var page = await KeyValueListing.PageAsync(shards, shardCount, "", null, limit, long.MaxValue);

        Assert.Equal(limit, page.Items.Count);
        Assert.NotNull(page.ContinuationToken);
        var bound = (2 * limit) + (shardCount * KeyValueListing.FirstBatch(limit, shardCount));
        Assert.True(shards.NamesFetched <= bound, $"{shards.NamesFetched} key names fetched for a page of {limit} over {shardCount} shards (bound {bound}; all shards x limit would be {shardCount * limit})");
        Assert.True(shards.NamesFetched <= 5 * limit, $"{shards.NamesFetched} key names fetched for a page of {limit}");
        Assert.True(shards.ListCalls <= 2 * shardCount, $"{shards.ListCalls} list calls for {shardCount} shards");
        Assert.Equal(limit, shards.ValuesFetched);
    }

    /// <summary>
    /// Every key in one shard of 64: that shard is asked again with doubling batches (a handful of calls, not one per
    /// key), and the names fetched stay within the same bound.
    /// </summary>
    [Fact]
    public async Task Page_WhenAllKeysLiveInOneShard_RefillsThatShardWithDoublingBatches()
    {
        const int shardCount = 64;
        const int limit = 500;
        var shards = new CountingShards(shardCount);
        foreach (var key in Enumerable.Range(0, 2_000).Select(i => $"skewed-{i:D5}"))
        {
            shards.Add(17, key);
        }

        var page = await KeyValueListing.PageAsync(shards, shardCount, "", null, limit, long.MaxValue);

        Assert.Equal(Enumerable.Range(0, limit).Select(i => $"skewed-{i:D5}"), page.Items.Select(i => i.Key));
        var bound = (2 * limit) + (shardCount * KeyValueListing.FirstBatch(limit, shardCount));
        Assert.True(shards.NamesFetched <= bound, $"{shards.NamesFetched} names fetched (bound {bound})");
        var refills = shards.ListCalls - shardCount;
        Assert.True(refills <= (int)Math.Ceiling(Math.Log2(limit)) + 1, $"{refills} refills of the one full shard");
    }

    /// <summary>
    /// Paging through every key with prefixes, a byte cut and uneven shards returns exactly the keys a full sort
    /// would, in ordinal order, each once, whatever the page size (the merge never skips a key that a shard's
    /// next batch would have put earlier).
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(64, 10)]
    [InlineData(64, 100)]
    [InlineData(5, 1000)]
    public async Task Pages_ThroughEveryKey_MatchAFullSortExactly(int shardCount, int limit)
    {
        var random = new Random(shardCount * 1000 + limit);
        var shards = new CountingShards(shardCount);
        var all = new List<string>();
        for (var i = 0; i < 3_000; i++)
        {
            var key = $"{(char)('a' + random.Next(3))}/{random.Next(100_000):D6}/{i}";
            // Uneven: half the keys go to the first shard.
            shards.Add(random.Next(2) == 0 ? 0 : random.Next(shardCount), key);
            all.Add(key);
        }

        foreach (var prefix in new[] { "", "b/" })
        {
            var expected = all.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            var listed = new List<string>();
            string? token = null;
            do
            {
                var page = await KeyValueListing.PageAsync(shards, shardCount, prefix, Platform.Validation.ContinuationToken.Decode(token), limit, maxPageBytes: 40);
                listed.AddRange(page.Items.Select(i => i.Key));
                token = page.ContinuationToken;
            }
            while (token is not null);

            Assert.Equal(expected, listed);
        }
    }

    /// <summary>
    /// In a real cluster: one page of 100 over 64 shards asks the shard grains for at most 2 x limit + shards x the
    /// first batch key names, counted by an incoming grain call filter on the silo.
    /// </summary>
    [Fact]
    public async Task Page_InACluster_ShardGrainsReturnKeyNamesInProportionToThePage()
    {
        var counter = new ListKeysCounter();
        await using var cluster = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions
        {
            Silos = 1,
            HttpHost = false,
            ConfigureSilo = { silo => silo.AddIncomingGrainCallFilter(counter.Invoke) },
        });
        var admin = cluster.Service<INamespaceAdmin>();
        var store = cluster.Service<IKeyValueStore>();
        await admin.CreateAsync("cost", new NamespaceSpec { Shards = 64 });
        await Parallel.ForEachAsync(Enumerable.Range(0, 2_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await store.PutAsync("cost", $"k{i:D4}", [1], cancellationToken: ct));

        counter.Reset();
        var page = await store.ListAsync("cost", new KeyValueListOptions { Limit = 100 });

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"k{i:D4}"), page.Items.Select(i => i.Key));
        var bound = (2 * 100) + (64 * KeyValueListing.FirstBatch(100, 64));
        Assert.True(counter.Names <= bound, $"the shards returned {counter.Names} key names in {counter.Calls} ListKeys calls for one page of 100 (bound {bound}; before: 6,400)");
        Assert.True(counter.Calls <= 2 * 64, $"{counter.Calls} ListKeys calls");
    }

    /// <summary>Counts ListKeys calls to key-value shard grains and the key names they answer.</summary>
    private sealed class ListKeysCounter
    {
        private int _calls;
        private int _names;

        public int Calls => Volatile.Read(ref _calls);

        public int Names => Volatile.Read(ref _names);

        public void Reset()
        {
            Volatile.Write(ref _calls, 0);
            Volatile.Write(ref _names, 0);
        }

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            await context.Invoke();
            if (context.InterfaceMethod?.DeclaringType == typeof(IKeyValueShardGrain) && context.MethodName == nameof(IKeyValueShardGrain.ListKeys))
            {
                Interlocked.Increment(ref _calls);
                Interlocked.Add(ref _names, ((IReadOnlyList<KeyValueKeyInfo>)context.Result!).Count);
            }
        }
    }

    /// <summary>Shards in memory behind the listing's seam, counting what is asked of them.</summary>
    private sealed class CountingShards(int shardCount) : IKeyValueShards
    {
        private readonly List<string>[] _keys = [.. Enumerable.Range(0, shardCount).Select(_ => new List<string>())];

        public int ListCalls { get; private set; }

        public int NamesFetched { get; private set; }

        public int ValuesFetched { get; private set; }

        public static CountingShards Spread(int shardCount, IEnumerable<string> keys)
        {
            var shards = new CountingShards(shardCount);
            var ring = new HashRing(shardCount);
            foreach (var key in keys)
            {
                shards.Add(ring.ShardFor(key), key);
            }

            return shards;
        }

        public void Add(int shard, string key)
        {
            var list = _keys[shard];
            var at = list.BinarySearch(key, StringComparer.Ordinal);
            list.Insert(at < 0 ? ~at : at, key);
        }

        public Task<IReadOnlyList<KeyValueKeyInfo>> ListKeysAsync(int shard, string prefix, string? after, int limit, ShardRead read)
        {
            ListCalls++;
            IReadOnlyList<KeyValueKeyInfo> page = [.. _keys[shard]
                .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(k, after) > 0))
                .Take(limit)
                .Select(k => new KeyValueKeyInfo(k, 1, Size(k)))];
            NamesFetched += page.Count;
            return Task.FromResult(page);
        }

        public Task<IReadOnlyList<KeyValueEntry>> GetManyAsync(int shard, IReadOnlyList<string> keys, ShardRead read)
        {
            ValuesFetched += keys.Count;
            IReadOnlyList<KeyValueEntry> found = [.. keys.Where(k => _keys[shard].Contains(k)).Select(k => new KeyValueEntry { Key = k, Value = new byte[Size(k)], Version = 1 })];
            return Task.FromResult(found);
        }

        public Task<ShardReadResult> GetAsync(int shard, string key, ShardRead read) => throw new NotSupportedException();

        public Task<ShardWriteResult> WriteAsync(int shard, KeyValueWriteRequest request) => throw new NotSupportedException();

        public Task<KeyValueShardStats> StatsAsync(int shard) => throw new NotSupportedException();

        private static int Size(string key) => Encoding.UTF8.GetByteCount(key) % 13;
    }
}
