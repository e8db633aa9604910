using Platform.EventLog;

namespace Platform.Client.Host.EventLog;

/// <summary>A consumer group: generation, assignor, members, and per partition the committed offset and lag.</summary>
public sealed record GroupResponse(string Group, long Generation, string? Assignor, bool Rebalancing, IReadOnlyList<GroupMemberResponse> Members, IReadOnlyList<GroupPartitionResponse> Partitions, string? Silo)
{
    public static GroupResponse From(GroupDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var view = description.Group;
        return new(
            view.Group,
            view.Generation,
            view.Assignor is { } a ? EventLogApi.AssignorName(a) : null,
            view.Rebalancing,
            [.. view.Members.Select(m => new GroupMemberResponse(m.MemberId, m.InstanceId, m.Topics, [.. m.Assignment.Select(p => new TopicPartitionResponse(p.Topic, p.Partition))], m.SessionTimeoutMs, m.Generation))],
            [.. description.Partitions.Select(p => new GroupPartitionResponse(p.Topic, p.Partition, p.Committed, p.Earliest, p.Latest, p.Lag, p.MemberId))],
            view.Silo);
    }
}
