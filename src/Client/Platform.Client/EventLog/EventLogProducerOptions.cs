namespace Platform.EventLog;

/// <summary>How an <see cref="EventLogProducer"/> batches and retries.</summary>
public sealed record EventLogProducerOptions
{
    /// <summary>The producer's id; a fresh one per producer when null. Reuse it (with a higher <see cref="Epoch"/>) to fence an older instance.</summary>
    public string? ProducerId { get; init; }

    /// <summary>The producer's epoch: a partition refuses (409) every later write of a lower epoch once a higher one wrote.</summary>
    public int Epoch { get; init; }

    /// <summary>Records per batch at most (the server refuses more than <c>Platform:EventLog:MaxBatchRecords</c>, 500, or <c>MaxBatchBytes</c>, 2 MiB, per call).</summary>
    public int MaxBatchRecords { get; init; } = 100;

    /// <summary>How long a batch waits for more records once the first is queued; zero sends at once.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Re-sends of a batch whose outcome is unknown (timeout, lost silo, 503) before its records fail.</summary>
    public int MaxRetries { get; init; } = 5;

    internal void Validate()
    {
        if (MaxBatchRecords is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchRecords), MaxBatchRecords, "must be 1-10000");
        }

        if (Linger < TimeSpan.Zero || Linger > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(Linger), Linger, "must be 0-10 s");
        }

        if (MaxRetries is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "must be 0-100");
        }
    }
}
