namespace Platform.Testing.Http;

/// <summary>A share group on a topic, per partition.</summary>
public sealed record ShareGroupAnswer(string Topic, string Group, string DeadLetterTopic, int MaxDeliveries, IReadOnlyList<SharePartitionAnswer> Partitions);
