using Platform.Replication.Crdt;

namespace Platform.Tests.Replication.Crdt;

/// <summary>Merkle trees of two replicas: equal roots for equal contents in any write order, and a diff that names exactly the buckets that differ.</summary>
public sealed class MerkleTreeTests
{
    private static readonly string[] Changed = ["k17", "k500", "extra"];

    [Fact]
    public void Equal_contents_written_in_any_order_have_equal_roots()
    {
        var keys = Enumerable.Range(0, 500).Select(i => ($"k{i}", (ulong)i * 7919)).ToList();
        var a = new MerkleTree(64);
        var b = new MerkleTree(64);
        keys.ForEach(k => a.Update(k.Item1, null, k.Item2));
        keys.AsEnumerable().Reverse().ToList().ForEach(k => b.Update(k.Item1, null, k.Item2 + 1));
        keys.ForEach(k => b.Update(k.Item1, k.Item2 + 1, k.Item2));
        Assert.Equal(a.Root, b.Root);
        Assert.Empty(MerkleTree.Diff(a.Leaves, b.Leaves, out var compared));
        Assert.Equal(1, compared);
    }

    [Fact]
    public void Diff_names_only_the_buckets_of_keys_that_differ()
    {
        var a = new MerkleTree(256);
        var b = new MerkleTree(256);
        for (var i = 0; i < 1000; i++)
        {
            a.Update($"k{i}", null, (ulong)i + 1);
            b.Update($"k{i}", null, (ulong)i + 1);
        }

        b.Update("k17", 18, 99);
        b.Update("k500", 501, null);
        b.Update("extra", null, 5);
        var diff = MerkleTree.Diff(a.Leaves, b.Leaves, out var compared);
        var expected = Changed.Select(a.BucketOf).Distinct().Order().ToList();
        Assert.Equal(expected, diff.Order().ToList());
        Assert.NotEqual(a.Root, b.Root);

        // Only the paths to differing leaves were descended: far fewer than the 511 nodes of the tree.
        Assert.True(compared < 60, $"{compared} nodes compared");
    }

    [Fact]
    public void Keys_spread_over_every_bucket()
    {
        var buckets = Enumerable.Range(0, 10_000).Select(i => MerkleTree.BucketOf($"key-{i}", 64)).Distinct().Count();
        Assert.Equal(64, buckets);
    }
}
