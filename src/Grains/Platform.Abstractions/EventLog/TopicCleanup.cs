namespace Platform.EventLog;

/// <summary>What retention does with old records: delete whole old segments, or keep the latest record per key.</summary>
[GenerateSerializer, Alias("Platform.EventLog.TopicCleanup")]
public enum TopicCleanup
{
    Delete = 0,
    Compact = 1,
}
