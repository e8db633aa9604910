using Platform.Sharding;

namespace Platform.Tests.Sharding;

public sealed class HashRingTests
{
    [Fact]
    public void ShardFor_SameKeyAndShardCount_IsStableAcrossInstances()
    {
        var a = new HashRing(64);
        var b = new HashRing(64);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(a.ShardFor($"k{i}"), b.ShardFor($"k{i}"));
        }
    }

    [Fact]
    public void Ownership_OfAllShards_SumsToOneAndIsNearEven()
    {
        var ring = new HashRing(64);
        var shares = Enumerable.Range(0, 64).Select(ring.OwnershipOf).ToList();
        Assert.Equal(1.0, shares.Sum(), 9);
        Assert.True(shares.Max() < 1.5 / 64, $"largest share {shares.Max()}");
    }

    [Fact]
    public void ShardFor_GrowingRing_MovesOnlyAFractionOfKeys()
    {
        // Consistent hashing: going from 16 to 17 shards should move about 1/17 of keys, not most of them.
        var before = new HashRing(16);
        var after = new HashRing(17);
        var moved = Enumerable.Range(0, 10_000).Count(i => before.ShardFor($"key-{i}") != after.ShardFor($"key-{i}"));
        Assert.InRange(moved, 1, 10_000 / 17 * 2);
    }

    [Fact]
    public void ShardFor_SingleShard_IsAlwaysZero()
    {
        var ring = new HashRing(1);
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(0, ring.ShardFor($"x{i}")));
    }
}
