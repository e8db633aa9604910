namespace Platform.EventLog;

/// <summary>A share group on a topic: per partition what is done, leased and waiting to be delivered again.</summary>
public sealed record ShareGroupDescription(string Topic, string Group, string DeadLetterTopic, int MaxDeliveries, IReadOnlyList<SharePartitionView> Partitions);
