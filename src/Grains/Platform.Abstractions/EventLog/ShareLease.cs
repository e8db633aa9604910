namespace Platform.EventLog;

/// <summary>A record leased to one consumer until <see cref="LeasedUntil"/>: its lease id, partition, the record, and which delivery this is (1 first).</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.ShareLease")]
public sealed record ShareLease
{
    [Id(0)] public required string LeaseId { get; init; }

    [Id(1)] public required int Partition { get; init; }

    [Id(2)] public required LogRecord Record { get; init; }

    /// <summary>How many times the record has been leased, this lease included (a release does not count).</summary>
    [Id(3)] public required int DeliveryCount { get; init; }

    /// <summary>The end of the visibility timeout: after it the lease is void and the record is delivered again.</summary>
    [Id(4)] public required DateTimeOffset LeasedUntil { get; init; }
}
