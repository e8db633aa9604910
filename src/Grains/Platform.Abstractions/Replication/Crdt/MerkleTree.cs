using System.Buffers.Binary;
using Platform.Sharding;

namespace Platform.Replication.Crdt;

/// <summary>
/// A Merkle tree over one replica's keys: a fixed number of leaf buckets (a power of two), a key's bucket picked by
/// a hash of the key (spread over all buckets, whatever ring range its shard owns), each leaf the wrapping sum of its keys' digests (so a write updates it in O(1)), each inner node a hash of
/// its two children. Two replicas holding the same states have equal roots; <see cref="Diff"/> descends from the root
/// into the subtrees that differ and names the leaf buckets to exchange. Not thread-safe.
/// </summary>
public sealed class MerkleTree
{
    public const int DefaultBuckets = 256;

    private readonly ulong[] _leaves;

    public MerkleTree(int buckets = DefaultBuckets)
    {
        if (buckets < 1 || (buckets & (buckets - 1)) != 0 || buckets > 1 << 16)
        {
            throw new ArgumentOutOfRangeException(nameof(buckets), buckets, "must be a power of two up to 65536");
        }

        _leaves = new ulong[buckets];
    }

    public int Buckets => _leaves.Length;

    /// <summary>The leaf bucket of <paramref name="key"/>.</summary>
    public int BucketOf(string key) => BucketOf(key, Buckets);

    public static int BucketOf(string key, int buckets) =>
        buckets == 1 ? 0 : (int)(unchecked(HashRing.KeyToken(key) * 0x9E3779B97F4A7C15UL) >> (64 - Log2(buckets)));

    /// <summary>Replaces a key's contribution: <paramref name="before"/> its old digest (null: absent), <paramref name="after"/> its new one (null: removed).</summary>
    public void Update(string key, ulong? before, ulong? after)
    {
        var b = BucketOf(key);
        unchecked
        {
            _leaves[b] = _leaves[b] - (before ?? 0) + (after ?? 0);
        }
    }

    public void Clear() => Array.Clear(_leaves);

    public IReadOnlyList<ulong> Leaves => _leaves;

    public ulong Root => Levels(_leaves)[^1][0];

    /// <summary>The root of a tree with these leaves.</summary>
    public static ulong RootOf(IReadOnlyList<ulong> leaves) => Levels(leaves)[^1][0];

    /// <summary>
    /// The leaf buckets where two trees of the same size differ, found by descending only into differing subtrees;
    /// <paramref name="compared"/> counts the nodes looked at (a measure of what the exchange cost).
    /// </summary>
    public static IReadOnlyList<int> Diff(IReadOnlyList<ulong> mine, IReadOnlyList<ulong> theirs, out int compared)
    {
        ArgumentNullException.ThrowIfNull(mine);
        ArgumentNullException.ThrowIfNull(theirs);
        if (mine.Count != theirs.Count)
        {
            throw new ArgumentException("Trees of different sizes cannot be compared.", nameof(theirs));
        }

        var a = Levels(mine);
        var b = Levels(theirs);
        var differing = new List<int>();
        compared = 0;
        var stack = new Stack<(int Level, int Index)>();
        stack.Push((a.Count - 1, 0));
        while (stack.Count > 0)
        {
            var (level, index) = stack.Pop();
            compared++;
            if (a[level][index] == b[level][index])
            {
                continue;
            }

            if (level == 0)
            {
                differing.Add(index);
                continue;
            }

            stack.Push((level - 1, (2 * index) + 1));
            stack.Push((level - 1, 2 * index));
        }

        return differing;
    }

    /// <summary>Every level from the leaves (0) up to the root (one node).</summary>
    private static List<ulong[]> Levels(IReadOnlyList<ulong> leaves)
    {
        var levels = new List<ulong[]> { leaves.ToArray() };
        while (levels[^1].Length > 1)
        {
            var below = levels[^1];
            var up = new ulong[below.Length / 2];
            for (var i = 0; i < up.Length; i++)
            {
                up[i] = Mix(below[2 * i], below[(2 * i) + 1]);
            }

            levels.Add(up);
        }

        return levels;
    }

    private static ulong Mix(ulong left, ulong right)
    {
        Span<byte> pair = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(pair, left);
        BinaryPrimitives.WriteUInt64LittleEndian(pair[8..], right);
        return BinaryPrimitives.ReadUInt64LittleEndian(System.Security.Cryptography.SHA256.HashData(pair));
    }

    private static int Log2(int n) => System.Numerics.BitOperations.Log2((uint)n);
}
