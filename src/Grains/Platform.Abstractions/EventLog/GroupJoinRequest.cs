namespace Platform.EventLog;

/// <summary>A join (or rejoin, with <see cref="MemberId"/>) of a consumer group.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.GroupJoinRequest")]
public sealed record GroupJoinRequest
{
    [Id(0)] public required IReadOnlyList<string> Topics { get; init; }

    /// <summary>The member id a previous join answered; null for a new member.</summary>
    [Id(1)] public string? MemberId { get; init; }

    /// <summary>Static membership: a member that joins again under the same instance id gets its id and partitions back without a rebalance.</summary>
    [Id(2)] public string? InstanceId { get; init; }

    [Id(3)] public required int SessionTimeoutMs { get; init; }

    [Id(4)] public GroupAssignor Assignor { get; init; }
}
