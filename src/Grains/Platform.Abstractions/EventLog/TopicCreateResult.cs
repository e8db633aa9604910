namespace Platform.EventLog;

/// <summary>The topic after a create, and whether this call created it (false: it existed with the same settings).</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.TopicCreateResult")]
public sealed record TopicCreateResult([property: Id(0)] TopicInfo Topic, [property: Id(1)] bool Created);
