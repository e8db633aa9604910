namespace Platform.EventLog;

/// <summary>How an <see cref="EventLogConsumer"/> joins its group, where it starts, and what it is told on a rebalance.</summary>
public sealed record EventLogConsumerOptions
{
    /// <summary>The member's session: without a heartbeat for this long the group gives its partitions to others.</summary>
    public int SessionTimeoutMs { get; init; } = 10_000;

    /// <summary>Static membership: the same instance id after a restart gets the member's partitions back without a rebalance.</summary>
    public string? InstanceId { get; init; }

    public GroupAssignor Assignor { get; init; }

    /// <summary>Where a partition with no committed offset starts: the earliest record (true) or only new ones.</summary>
    public bool StartAtEarliest { get; init; } = true;

    /// <summary>How long one fetch waits at the end of the log before the consumer looks again (and at its heartbeat's news).</summary>
    public int PollWaitMs { get; init; } = 500;

    /// <summary>Records per partition per fetch at most (the server caps a read at <c>Platform:EventLog:MaxReadLimit</c>, 1000).</summary>
    public int MaxRecordsPerFetch { get; init; } = 500;

    /// <summary>Called with the partitions this member gained, before any of their records is returned.</summary>
    public Func<IReadOnlyList<TopicPartition>, CancellationToken, Task>? OnAssigned { get; init; }

    /// <summary>Called with the partitions this member lost (commit what was processed of them here), before it rejoins.</summary>
    public Func<IReadOnlyList<TopicPartition>, CancellationToken, Task>? OnRevoked { get; init; }

    internal void Validate()
    {
        if (SessionTimeoutMs is < 1_000 or > 300_000)
        {
            throw new ArgumentOutOfRangeException(nameof(SessionTimeoutMs), SessionTimeoutMs, "must be 1000-300000");
        }

        if (PollWaitMs is < 0 or > 30_000)
        {
            throw new ArgumentOutOfRangeException(nameof(PollWaitMs), PollWaitMs, "must be 0-30000");
        }

        if (MaxRecordsPerFetch is < 1 or > 1_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRecordsPerFetch), MaxRecordsPerFetch, "must be 1-1000");
        }
    }
}
