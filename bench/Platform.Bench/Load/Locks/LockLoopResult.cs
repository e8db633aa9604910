namespace Platform.Bench.Load.Locks;

/// <summary>The merged measurements of one <see cref="LockLoop"/> run.</summary>
internal sealed class LockLoopResult
{
    public LockLoopResult(IReadOnlyList<LockWorker> workers, TimeSpan elapsed, TimeSpan driverCpu, TimeSpan? serverCpu)
    {
        Elapsed = elapsed;
        DriverCpu = driverCpu;
        ServerCpu = serverCpu;
        foreach (var worker in workers)
        {
            Total.Add(worker.Total);
            Acquire.Add(worker.Acquire);
            Release.Add(worker.Release);
            Errors += worker.Errors;
            Retries += worker.Retries;
            FirstError ??= worker.FirstError;
        }

        // Order grants by when their answer arrived. A holder records its grant before it sends the release that
        // lets the next grant happen, so on one exclusive lock arrival order is grant order.
        var grants = workers.SelectMany(w => w.Grants).OrderBy(g => g.At).ToList();
        GrantsChecked = grants.Count;
        for (var i = 1; i < grants.Count; i++)
        {
            if (grants[i].Token <= grants[i - 1].Token)
            {
                TokenViolations++;
            }
            else if (grants[i].Token > grants[i - 1].Token + 1)
            {
                TokenGaps++;
            }
        }
    }

    public LatencyHistogram Total { get; } = new();

    public LatencyHistogram Acquire { get; } = new();

    public LatencyHistogram Release { get; } = new();

    public long Operations => Total.Count;

    public long Errors { get; }

    public long Retries { get; }

    public string? FirstError { get; }

    public TimeSpan Elapsed { get; }

    public TimeSpan DriverCpu { get; }

    public TimeSpan? ServerCpu { get; }

    /// <summary>Grants whose tokens were compared (contended runs with tokens; 0 otherwise).</summary>
    public int GrantsChecked { get; }

    /// <summary>Neighbouring grants (in arrival order) whose tokens did not strictly increase.</summary>
    public int TokenViolations { get; }

    /// <summary>Neighbouring grants whose tokens increased by more than one (not a violation: e.g. an expired lease).</summary>
    public int TokenGaps { get; }

    public double OpsPerSecond => Elapsed > TimeSpan.Zero ? Operations / Elapsed.TotalSeconds : 0;

    public double RetriesPerSecond => Elapsed > TimeSpan.Zero ? Retries / Elapsed.TotalSeconds : 0;

    public double DriverCpuMicrosPerOp => Operations > 0 ? DriverCpu.TotalMicroseconds / Operations : 0;

    public double? ServerCpuMicrosPerOp => Operations > 0 && ServerCpu is { } cpu ? cpu.TotalMicroseconds / Operations : null;
}
