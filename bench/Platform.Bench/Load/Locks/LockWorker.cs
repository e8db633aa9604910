using System.Diagnostics;

namespace Platform.Bench.Load.Locks;

/// <summary>One closed-loop worker's measurements. Only steps that start and end inside the measured window count.</summary>
internal sealed class LockWorker(int index, Func<int> phase)
{
    public const int Warming = MeasuredWindow.Warming;
    public const int Measuring = MeasuredWindow.Measuring;
    public const int Stopped = MeasuredWindow.Stopped;

    public int Index { get; } = index;

    /// <summary>Whole operation (pair, hand-over, PUT).</summary>
    public LatencyHistogram Total { get; } = new();

    /// <summary>Acquire until granted (including waits and retries).</summary>
    public LatencyHistogram Acquire { get; } = new();

    public LatencyHistogram Release { get; } = new();

    public long Errors { get; private set; }

    /// <summary>Acquire attempts that were refused (redis: NX failed and the client spins; Platform: waitMs ran out).</summary>
    public long Retries { get; private set; }

    public string? FirstError { get; private set; }

    /// <summary>Every grant of the run (warm-up too): when the answer arrived (Stopwatch timestamp) and its token.</summary>
    public List<(long At, long Token)> Grants { get; } = [];

    public int Phase => phase();

    public bool IsStopped => phase() == Stopped;

    /// <summary>Records the time since <paramref name="start"/> in <paramref name="histogram"/> if the step began while measuring.</summary>
    public void Record(LatencyHistogram histogram, int startPhase, long start)
    {
        if (startPhase == Measuring && phase() == Measuring)
        {
            histogram.RecordSince(start);
        }
    }

    public void Retry(int startPhase)
    {
        if (startPhase == Measuring)
        {
            Retries++;
        }
    }

    public void Grant(long token) => Grants.Add((Stopwatch.GetTimestamp(), token));

    public void Error(int startPhase, Exception ex)
    {
        if (startPhase == Measuring)
        {
            Errors++;
            FirstError ??= $"{ex.GetType().Name}: {ex.Message}";
        }
    }
}
