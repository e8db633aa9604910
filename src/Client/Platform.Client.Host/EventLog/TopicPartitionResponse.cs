namespace Platform.Client.Host.EventLog;

/// <summary>One partition of one topic.</summary>
public sealed record TopicPartitionResponse(string Topic, int Partition);
