using Platform.EventLog;

namespace Platform.Client.Host.EventLog;

/// <summary>A member's id, the generation its commits carry, and the partitions it may consume.</summary>
public sealed record JoinResponse(string MemberId, long Generation, IReadOnlyList<TopicPartitionResponse> Assignment, bool Rebalancing)
{
    public static JoinResponse From(GroupJoinResult result) =>
        new(result.MemberId, result.Generation, [.. result.Assignment.Select(p => new TopicPartitionResponse(p.Topic, p.Partition))], result.Rebalancing);
}
