using System.Net;
using System.Text;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary>How keys spread over shards: a property of the ring, not of storage, so it runs once (Memory).</summary>
[Collection(ClusterCollection.Name)]
public sealed class KeyValueRoutingTests(ClusterFixture fixture)
{
    /// <summary>10,000 keys written over HTTP read back byte for byte, and the ring spreads them evenly over 64 shards.</summary>
    [Fact]
    public async Task Put_TenThousandKeys_ReadBackEqualAndSpreadEvenlyOverShards()
    {
        var api = fixture.Api;
        (await api.CreateNamespaceAsync("bulk", shards: 64, partitioning: "hash")).ExpectSuccess();
        const int count = 10_000;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            (await api.PutKeyAsync("bulk", $"key-{i}", ValueOf(i), cancellationToken: ct)).Expect(HttpStatusCode.Created);
            var get = (await api.GetKeyAsync("bulk", $"key-{i}", cancellationToken: ct)).Expect(HttpStatusCode.OK);
            Assert.Equal(ValueOf(i), get.Body);
        });

        var keysPerShard = (await api.GetShardMapAsync("bulk")).Ok().Items.Select(s => s.Keys).ToList();
        Assert.Equal(64, keysPerShard.Count);
        Assert.Equal(count, keysPerShard.Sum());
        Assert.All(keysPerShard, k => Assert.True(k > 0, "a shard got no keys"));
        var mean = count / 64.0;
        Assert.True(keysPerShard.Max() <= 1.5 * mean, $"fullest shard holds {keysPerShard.Max()} keys, mean {mean}");
    }

    private static byte[] ValueOf(int i) => Encoding.UTF8.GetBytes($"value-{i}-{new string('x', i % 100)}");
}
