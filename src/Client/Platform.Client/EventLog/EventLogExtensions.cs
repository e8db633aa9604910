namespace Platform.EventLog;

/// <summary>The streaming side of <see cref="IEventLog"/>: a batching idempotent producer and group consumers.</summary>
public static class EventLogExtensions
{
    /// <summary>A batching idempotent producer for <paramref name="topic"/> (dispose it to send what is queued).</summary>
    public static EventLogProducer CreateProducer(this IEventLog log, string topic, EventLogProducerOptions? options = null) =>
        new(log, topic, options);

    /// <summary>A member of <paramref name="group"/> reading <paramref name="topics"/> (dispose it to leave the group).</summary>
    public static EventLogConsumer CreateConsumer(this IEventLog log, string group, IReadOnlyList<string> topics, EventLogConsumerOptions? options = null) =>
        new(log, group, topics, options);
}
