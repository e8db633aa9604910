namespace Platform.EventLog;

/// <summary>
/// One topic (key: its name). Guarantee: settings and the generation are persisted before any answer, a generation
/// is never reused (each create after a delete takes a higher one), and the partition count only grows.
/// </summary>
[Alias("Platform.EventLog.ITopicGrain")]
public interface ITopicGrain : IGrainWithStringKey
{
    /// <summary>Creates the topic; an existing one with the same settings answers as it is, with other settings 409.</summary>
    [Alias("Create")]
    Task<TopicCreateResult> Create(TopicSpec spec);

    /// <summary>The topic as last persisted, or null when it does not exist (interleaves: partitions ask it while it drops them).</summary>
    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<TopicInfo?> Get();

    /// <summary>Grows the partition count to <paramref name="partitions"/> (409 if not more than now; 404 if no topic).</summary>
    [Alias("AddPartitions")]
    Task<TopicInfo> AddPartitions(int partitions);

    /// <summary>Deletes the topic and drops its partitions' records; false when there was none.</summary>
    [Alias("Delete")]
    Task<bool> Delete();
}
