using Platform.EventLog;

namespace Platform.Client.Host.EventLog;

/// <summary>A topic: settings, generation and (for GET) each partition's offsets.</summary>
public sealed record TopicResponse(
    string Name, int Partitions, long Generation, TopicRetentionBody? Retention, TopicCleanup Cleanup, int MaxRecordBytes, DateTimeOffset CreatedAt,
    IReadOnlyList<PartitionOffsetsResponse>? Offsets = null)
{
    public static TopicResponse From(TopicInfo info, IReadOnlyList<PartitionOffsets>? offsets = null) => new(
        info.Name,
        info.Spec.Partitions,
        info.Generation,
        info.Spec.RetentionMs is null && info.Spec.RetentionBytes is null ? null : new TopicRetentionBody(info.Spec.RetentionMs, info.Spec.RetentionBytes),
        info.Spec.Cleanup,
        info.Spec.MaxRecordBytes,
        info.CreatedAt,
        offsets?.Select(o => new PartitionOffsetsResponse(o.Partition, o.Earliest, o.Latest, o.Silo)).ToList());
}
