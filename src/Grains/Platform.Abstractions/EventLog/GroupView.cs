namespace Platform.EventLog;

/// <summary>A consumer group: generation, assignor, members with assignments, committed offsets.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.GroupView")]
public sealed record GroupView
{
    [Id(0)] public required string Group { get; init; }

    [Id(1)] public required long Generation { get; init; }

    [Id(2)] public GroupAssignor? Assignor { get; init; }

    [Id(3)] public required bool Rebalancing { get; init; }

    [Id(4)] public required IReadOnlyList<GroupMemberView> Members { get; init; }

    [Id(5)] public required IReadOnlyList<OffsetCommit> Offsets { get; init; }

    /// <summary>True when nothing was ever stored for this group (no member, no commit).</summary>
    [Id(6)] public bool Empty { get; init; }

    /// <summary>The silo the group's grain runs on now.</summary>
    [Id(7)] public string? Silo { get; init; }
}
