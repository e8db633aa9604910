namespace Platform.Bench.Load.Caches;

/// <summary>Key indexes drawn from a Zipf distribution (rank r with weight 1/r^s), by inverse CDF.</summary>
internal sealed class ZipfKeys
{
    private readonly double[] _cdf;

    public ZipfKeys(int keys, double exponent)
    {
        _cdf = new double[keys];
        var sum = 0.0;
        for (var i = 0; i < keys; i++)
        {
            sum += 1 / Math.Pow(i + 1, exponent);
            _cdf[i] = sum;
        }

        for (var i = 0; i < keys; i++)
        {
            _cdf[i] /= sum;
        }
    }

    /// <summary>The share of all draws that fall on the <paramref name="top"/> most likely keys: the hit ratio of an ideal cache of that size.</summary>
    public double MassOfTop(int top) => top <= 0 ? 0 : _cdf[Math.Min(top, _cdf.Length) - 1];

    public int Next(Random random)
    {
        var at = Array.BinarySearch(_cdf, random.NextDouble());
        return Math.Min(at < 0 ? ~at : at, _cdf.Length - 1);
    }
}
