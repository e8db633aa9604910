namespace Platform.EventLog;

/// <summary>A share group on one partition: what is done, what is out, and where its grain runs.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.SharePartitionView")]
public sealed record SharePartitionView
{
    [Id(0)] public required int Partition { get; init; }

    /// <summary>Every offset below it is acknowledged or dead-lettered (or was removed by retention).</summary>
    [Id(1)] public required long Start { get; init; }

    /// <summary>The fetch frontier: no offset at or above it has been delivered yet.</summary>
    [Id(2)] public required long Next { get; init; }

    /// <summary>Records leased now (visibility timeout not passed).</summary>
    [Id(3)] public required int Leased { get; init; }

    /// <summary>Records delivered before and waiting to be delivered again (nacked, released or expired).</summary>
    [Id(4)] public required int Redeliverable { get; init; }

    /// <summary>Records acknowledged, and records dead-lettered, since the group began on this partition.</summary>
    [Id(5)] public required long Acked { get; init; }

    [Id(6)] public required long DeadLettered { get; init; }

    [Id(7)] public required string Silo { get; init; }
}
