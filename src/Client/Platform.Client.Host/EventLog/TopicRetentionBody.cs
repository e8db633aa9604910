namespace Platform.Client.Host.EventLog;

/// <summary>Retention of a topic: records older than <c>ms</c>, or beyond <c>bytes</c> per partition, may be deleted.</summary>
public sealed record TopicRetentionBody(long? Ms, long? Bytes);
