namespace Platform.EventLog;

/// <summary>What a consumer group grain persists: generation, assignor, members with their partitions, committed offsets.</summary>
[GenerateSerializer, Alias("Platform.EventLog.GroupState")]
public sealed class GroupState
{
    [Id(0)] public long Generation { get; set; }

    [Id(1)] public GroupAssignor? Assignor { get; set; }

    [Id(2)] public List<GroupMemberState> Members { get; set; } = [];

    /// <summary>Committed offsets, one per partition (a list: grain storage serializers cannot key a dictionary by a struct).</summary>
    [Id(3)] public List<OffsetCommit> Offsets { get; set; } = [];

    /// <summary>The partition counts of the subscribed topics as last seen at a join.</summary>
    [Id(4)] public Dictionary<string, int> PartitionCounts { get; set; } = new(StringComparer.Ordinal);
}
