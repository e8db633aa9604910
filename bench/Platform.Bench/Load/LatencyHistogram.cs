using System.Diagnostics;

namespace Platform.Bench.Load;

/// <summary>
/// A log-linear latency histogram in the spirit of HdrHistogram: exact below 128 ns, then 64 buckets per power
/// of two (under 1.6% relative error) up to about 2^50 ns. One instance per worker (not thread-safe); merge at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int LinearBuckets = 128;
    private const int SubBuckets = 64;
    private const int MaxShift = 44;

    private readonly long[] _counts = new long[LinearBuckets + (MaxShift * SubBuckets)];

    public long Count { get; private set; }

    public long MaxNanos { get; private set; }

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public void RecordSince(long startTimestamp) =>
        Record((long)Stopwatch.GetElapsedTime(startTimestamp).TotalNanoseconds);

    public void Record(long nanos)
    {
        nanos = Math.Max(0, nanos);
        _counts[IndexOf(nanos)]++;
        Count++;
        MaxNanos = Math.Max(MaxNanos, nanos);
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        MaxNanos = Math.Max(MaxNanos, other.MaxNanos);
    }

    /// <summary>The latency at or below which <paramref name="percent"/>% of the samples fall (bucket midpoint).</summary>
    public double PercentileNanos(double percent)
    {
        if (Count == 0)
        {
            return 0;
        }

        var target = Math.Max(1, (long)Math.Ceiling(percent / 100.0 * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= target)
            {
                return Math.Min(MidpointOf(i), MaxNanos);
            }
        }

        return MaxNanos;
    }

    private static int IndexOf(long nanos)
    {
        if (nanos < LinearBuckets)
        {
            return (int)nanos;
        }

        // nanos >= 128: the top 7 bits give a mantissa in [64, 128); the shift is the bucket group.
        var shift = Math.Min(63 - (int)ulong.LeadingZeroCount((ulong)nanos) - 6, MaxShift);
        var mantissa = Math.Min(nanos >> shift, (2 * SubBuckets) - 1);
        return LinearBuckets + ((shift - 1) * SubBuckets) + (int)(mantissa - SubBuckets);
    }

    private static double MidpointOf(int index)
    {
        if (index < LinearBuckets)
        {
            return index;
        }

        var shift = ((index - LinearBuckets) / SubBuckets) + 1;
        var mantissa = ((index - LinearBuckets) % SubBuckets) + SubBuckets;
        var low = (double)((long)mantissa << shift);
        return low + ((1L << shift) / 2.0);
    }
}
