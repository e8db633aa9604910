using System.IO.Hashing;
using System.Text;

namespace Platform.Sharding;

/// <summary>
/// A consistent-hash ring with virtual nodes that maps keys to the shards of one namespace.
/// Built the same way on every client and silo, so routing needs no coordination.
/// </summary>
public sealed class HashRing
{
    /// <summary>Virtual nodes per shard: enough that 64 shards stay within a few percent of even.</summary>
    public const int VirtualNodesPerShard = 128;

    private readonly ulong[] _tokens;
    private readonly int[] _owners;

    public HashRing(int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ShardCount = shardCount;
        var points = new (ulong Token, int Shard)[shardCount * VirtualNodesPerShard];
        Span<byte> seed = stackalloc byte[8];
        for (var shard = 0; shard < shardCount; shard++)
        {
            for (var v = 0; v < VirtualNodesPerShard; v++)
            {
                BitConverter.TryWriteBytes(seed[..4], shard);
                BitConverter.TryWriteBytes(seed[4..], v);
                points[(shard * VirtualNodesPerShard) + v] = (XxHash64.HashToUInt64(seed), shard);
            }
        }

        Array.Sort(points, static (a, b) => a.Token != b.Token ? a.Token.CompareTo(b.Token) : a.Shard.CompareTo(b.Shard));
        _tokens = new ulong[points.Length];
        _owners = new int[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            _tokens[i] = points[i].Token;
            _owners[i] = points[i].Shard;
        }
    }

    public int ShardCount { get; }

    /// <summary>The 64-bit XxHash of a key's UTF-8 bytes: its position on the ring.</summary>
    public static ulong KeyToken(string key)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> buffer = max <= 1024 ? stackalloc byte[max] : new byte[max];
        var written = Encoding.UTF8.GetBytes(key, buffer);
        return XxHash64.HashToUInt64(buffer[..written]);
    }

    /// <summary>The shard that owns a key: the first virtual node at or after the key's token, wrapping around.</summary>
    public int ShardFor(string key) => ShardForToken(KeyToken(key));

    public int ShardForToken(ulong token)
    {
        var index = Array.BinarySearch(_tokens, token);
        if (index < 0)
        {
            index = ~index;
        }

        return _owners[index == _tokens.Length ? 0 : index];
    }

    /// <summary>
    /// The token ranges a shard owns, as half-open intervals (start, end]; a range that wraps past
    /// the top of the ring is reported as ending at its virtual node's token.
    /// </summary>
    public IReadOnlyList<TokenRange> RangesOf(int shard)
    {
        var ranges = new List<TokenRange>(VirtualNodesPerShard);
        for (var i = 0; i < _tokens.Length; i++)
        {
            if (_owners[i] == shard)
            {
                var start = i == 0 ? _tokens[^1] : _tokens[i - 1];
                ranges.Add(new TokenRange(start, _tokens[i]));
            }
        }

        return ranges;
    }

    /// <summary>The fraction of the ring a shard owns (its expected share of keys).</summary>
    public double OwnershipOf(int shard)
    {
        double owned = 0;
        foreach (var range in RangesOf(shard))
        {
            owned += unchecked(range.End - range.Start);
        }

        return owned / Math.Pow(2, 64);
    }
}
