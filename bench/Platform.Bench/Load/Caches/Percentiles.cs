using System.Globalization;

namespace Platform.Bench.Load.Caches;

/// <summary>Nearest-rank percentiles of a small sample (milliseconds).</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double percent) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string Ms(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
