using Platform.EventLog;

namespace Platform.Client.Host.EventLog;

/// <summary>A share group on a topic: its dead-letter topic, the delivery limit, and each partition's progress.</summary>
public sealed record ShareGroupResponse(string Topic, string Group, string DeadLetterTopic, int MaxDeliveries, IReadOnlyList<SharePartitionResponse> Partitions)
{
    public static ShareGroupResponse From(ShareGroupDescription share) => new(
        share.Topic,
        share.Group,
        share.DeadLetterTopic,
        share.MaxDeliveries,
        [.. share.Partitions.Select(p => new SharePartitionResponse(p.Partition, p.Start, p.Next, p.Leased, p.Redeliverable, p.Acked, p.DeadLettered, p.Silo))]);
}
