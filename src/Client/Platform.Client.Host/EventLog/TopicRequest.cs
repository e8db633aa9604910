using Platform.EventLog;

namespace Platform.Client.Host.EventLog;

/// <summary>Body of <c>PUT /v1/topics/{topic}</c>.</summary>
public sealed record TopicRequest(int? Partitions, TopicRetentionBody? Retention, TopicCleanup? Cleanup, int? MaxRecordBytes);
