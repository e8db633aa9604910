namespace Platform.EventLog;

/// <summary>What a topic grain persists: whether the topic exists, its generation (kept across deletes) and settings.</summary>
[GenerateSerializer, Alias("Platform.EventLog.TopicState")]
public sealed class TopicState
{
    [Id(0)] public bool Exists { get; set; }

    /// <summary>The generation of the topic as created last; a delete keeps it so the next create goes above it.</summary>
    [Id(1)] public long Generation { get; set; }

    [Id(2)] public TopicSpec? Spec { get; set; }

    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
}
