using System.Globalization;

namespace Platform.Replication.Crdt;

/// <summary>
/// A hybrid logical clock reading: wall milliseconds (the largest physical time the clock has seen), a logical counter
/// that orders events within one millisecond, and the node that made it. Totally ordered: wall, then counter, then node.
/// </summary>
public readonly record struct HlcTimestamp(long WallMs, int Counter, int Node) : IComparable<HlcTimestamp>
{
    /// <summary>The start of <see cref="Pack"/>'s 40-bit millisecond range (2020-01-01, good for about 34 years).</summary>
    public const long PackEpochMs = 1_577_836_800_000;

    public static readonly HlcTimestamp Zero;

    public int CompareTo(HlcTimestamp other)
    {
        var c = WallMs.CompareTo(other.WallMs);
        if (c != 0)
        {
            return c;
        }

        c = Counter.CompareTo(other.Counter);
        return c != 0 ? c : Node.CompareTo(other.Node);
    }

    public static bool operator <(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) < 0;

    public static bool operator >(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) > 0;

    public static bool operator <=(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) <= 0;

    public static bool operator >=(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) >= 0;

    public static HlcTimestamp Max(HlcTimestamp a, HlcTimestamp b) => a >= b ? a : b;

    /// <summary>
    /// The reading as one positive 63-bit number in the same order (the ETag of a quorum or LWW value): 40 bits of
    /// milliseconds since <see cref="PackEpochMs"/>, 12 of counter (saturating), 11 of node.
    /// </summary>
    public long Pack() =>
        (Math.Clamp(WallMs - PackEpochMs, 0, (1L << 40) - 1) << 23) | ((long)Math.Min(Counter, 4095) << 11) | (long)(Node & 2047);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{WallMs}.{Counter}@{Node}");
}
