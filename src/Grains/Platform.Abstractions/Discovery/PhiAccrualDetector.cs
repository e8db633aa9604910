namespace Platform.Discovery;

/// <summary>
/// The phi accrual failure detector (Hayashibara et al. 2004, as Akka and Cassandra use it) over heartbeat arrival
/// times: phi = -log10(P(a heartbeat arrives later than now)), under a normal distribution of the last
/// <see cref="WindowSize"/> intervals. Phi 1 is a 10% chance the instance is fine, 8 one in 10^8.
/// </summary>
public sealed class PhiAccrualDetector
{
    /// <summary>Intervals kept.</summary>
    public const int WindowSize = 100;

    /// <summary>The least standard deviation assumed, as a share of the mean interval (regular heartbeats would otherwise make any jitter fatal).</summary>
    public const double MinDeviationShare = 0.1;

    private readonly Queue<double> _intervals = new();
    private double _sum;
    private double _squares;
    private DateTimeOffset? _last;

    /// <summary>Heartbeats seen.</summary>
    public int Arrivals { get; private set; }

    public void Heartbeat(DateTimeOffset at)
    {
        Arrivals++;
        if (_last is { } last && at > last)
        {
            var interval = (at - last).TotalMilliseconds;
            _intervals.Enqueue(interval);
            _sum += interval;
            _squares += interval * interval;
            if (_intervals.Count > WindowSize)
            {
                var old = _intervals.Dequeue();
                _sum -= old;
                _squares -= old * old;
            }
        }

        _last = at;
    }

    /// <summary>Phi at <paramref name="now"/>; 0 until two heartbeats have arrived.</summary>
    public double Phi(DateTimeOffset now)
    {
        if (_last is not { } last || _intervals.Count == 0)
        {
            return 0;
        }

        var mean = _sum / _intervals.Count;
        var variance = Math.Max(0, (_squares / _intervals.Count) - (mean * mean));
        var deviation = Math.Max(Math.Sqrt(variance), Math.Max(1, mean * MinDeviationShare));
        var elapsed = (now - last).TotalMilliseconds;

        // The logistic approximation of the normal CDF that Akka uses (error below 1e-4).
        var y = (elapsed - mean) / deviation;
        var e = Math.Exp(-y * (1.5976 + (0.070566 * y * y)));
        var later = elapsed > mean ? e / (1 + e) : 1 - (1 / (1 + e));
        return later <= 0 ? 100 : Math.Min(100, -Math.Log10(later));
    }
}
