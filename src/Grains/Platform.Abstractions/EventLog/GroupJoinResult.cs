namespace Platform.EventLog;

/// <summary>What a member holds after a join: its id, the generation its commits must carry, and its partitions.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.GroupJoinResult")]
public sealed record GroupJoinResult
{
    [Id(0)] public required string MemberId { get; init; }

    [Id(1)] public required long Generation { get; init; }

    [Id(2)] public required IReadOnlyList<TopicPartition> Assignment { get; init; }

    /// <summary>True while partitions are still moving between members (this member may get more once others let go).</summary>
    [Id(3)] public required bool Rebalancing { get; init; }
}
