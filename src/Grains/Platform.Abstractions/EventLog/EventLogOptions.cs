using Platform.Configuration;

namespace Platform.EventLog;

/// <summary>
/// Limits of the event log (<c>Platform:EventLog</c>): enforced by the partition, topic and group grains
/// (authoritative) and checked early by the typed client. Every default is documented in docs/eventlog.md.
/// </summary>
public sealed class EventLogOptions : IPlatformOptions
{
    public const string SectionName = "Platform:EventLog";

    /// <summary>The highest partition count any setting may allow.</summary>
    public const int PartitionCeiling = 1024;

    /// <summary>The highest wait (long poll, join) allowed: a wait is one grain call, and Orleans' response timeout is 30 s.</summary>
    public const int WaitCeilingMs = 25_000;

    /// <summary>
    /// The largest record any setting may allow: an append is one Azure Table batch (4 MiB of base64 payload), so a
    /// record with its batch stays well inside it.
    /// </summary>
    public const int RecordCeilingBytes = 2 * 1024 * 1024;

    /// <summary>Most partitions of a topic (1-1024). Default 1024.</summary>
    public int MaxPartitions { get; set; } = PartitionCeiling;

    /// <summary>Partitions of a topic created without <c>partitions</c>. Default 1.</summary>
    public int DefaultPartitions { get; set; } = 1;

    /// <summary>Largest record (key + value + header names and values, in UTF-8 bytes) and the ceiling of a topic's <c>maxRecordBytes</c>. Default 1 MiB.</summary>
    public int MaxRecordBytes { get; set; } = 1024 * 1024;

    /// <summary>Most records in one produce request. Default 500.</summary>
    public int MaxBatchRecords { get; set; } = 500;

    /// <summary>Most bytes (as <see cref="MaxRecordBytes"/> counts them) in one produce request. Default 2 MiB.</summary>
    public int MaxBatchBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Longest record key in UTF-8 bytes. Default 512.</summary>
    public int MaxKeyBytes { get; set; } = 512;

    /// <summary>Most headers on one record. Default 32.</summary>
    public int MaxHeaders { get; set; } = 32;

    /// <summary>Records a read answers when it names no <c>limit</c>. Default 100.</summary>
    public int DefaultReadLimit { get; set; } = 100;

    /// <summary>Most records one read answers (<c>limit</c>). Default 1000.</summary>
    public int MaxReadLimit { get; set; } = 1000;

    /// <summary>Most value bytes one read answers (a read always holds at least one record). Default 8 MiB.</summary>
    public int MaxReadBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Longest <c>waitMs</c> of a read or a join. Default 20000; at most 25000 (below the 30 s grain call timeout).</summary>
    public int MaxWaitMs { get; set; } = 20_000;

    /// <summary>Most producers a partition remembers for the idempotent producer; the one idle longest is forgotten first. Default 256.</summary>
    public int MaxProducersPerPartition { get; set; } = 256;

    /// <summary>Shortest <c>sessionTimeoutMs</c> of a group member. Default 1000.</summary>
    public int MinSessionTimeoutMs { get; set; } = 1000;

    /// <summary>Longest <c>sessionTimeoutMs</c> of a group member. Default 300000 (5 min).</summary>
    public int MaxSessionTimeoutMs { get; set; } = 300_000;

    /// <summary>Session timeout of a join that names none. Default 10000.</summary>
    public int DefaultSessionTimeoutMs { get; set; } = 10_000;

    /// <summary>Most members of one consumer group. Default 1000.</summary>
    public int MaxGroupMembers { get; set; } = 1000;

    /// <summary>Most topics one member subscribes to. Default 100.</summary>
    public int MaxTopicsPerMember { get; set; } = 100;

    /// <summary>How often a group checks its members' sessions. Default 250 ms.</summary>
    public int SessionCheckMs { get; set; } = 250;

    /// <summary>A partition's segment rolls (the next append starts a new one) once it holds this many bytes. Default 1 MiB (1 KiB to 64 MiB).</summary>
    public int SegmentBytes { get; set; } = 1024 * 1024;

    /// <summary>A partition's segment rolls once its first record is this old. Default 3600000 (1 h).</summary>
    public long SegmentMs { get; set; } = 3_600_000;

    /// <summary>Bytes of recent records a partition keeps in memory (whole appends, at least the last); older records are read from storage. Default 4 MiB.</summary>
    public long MemoryWindowBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How often an active partition applies retention and compaction. Default 30000 (30 s).</summary>
    public int CleanupIntervalMs { get; set; } = 30_000;

    /// <summary>How long compaction keeps a tombstone (a record with no value) that is the latest of its key. Default 86400000 (24 h).</summary>
    public long DeleteRetentionMs { get; set; } = 86_400_000;

    /// <summary>Most distinct keys one compaction pass maps; past it the pass compacts only the segments it mapped. Default 100000.</summary>
    public int MaxCompactionKeys { get; set; } = 100_000;

    /// <summary>Records one share-group fetch leases when it names no <c>max</c>. Default 10.</summary>
    public int DefaultShareFetchRecords { get; set; } = 10;

    /// <summary>Most records one share-group fetch leases (<c>max</c>), and most lease ids in one ack, nack or release. Default 500.</summary>
    public int MaxShareFetchRecords { get; set; } = 500;

    /// <summary>Visibility timeout of a share-group lease when a fetch names no <c>visibilityMs</c>. Default 30000.</summary>
    public int DefaultVisibilityMs { get; set; } = 30_000;

    /// <summary>Shortest <c>visibilityMs</c> of a share-group fetch. Default 100.</summary>
    public int MinVisibilityMs { get; set; } = 100;

    /// <summary>Longest <c>visibilityMs</c> of a share-group fetch. Default 43200000 (12 h).</summary>
    public int MaxVisibilityMs { get; set; } = 43_200_000;

    /// <summary>Deliveries of one record to a share group; a record nacked or expired this many times goes to the dead-letter topic. Default 5 (1-1000).</summary>
    public int ShareMaxDeliveries { get; set; } = 5;

    /// <summary>The dead-letter topic of a share group; <c>{topic}</c> is the source topic's name. Created with one partition when missing. Default <c>{topic}.dlq</c>.</summary>
    public string ShareDeadLetterTopic { get; set; } = "{topic}.dlq";

    /// <summary>
    /// Most records of one partition a share group has between its first unacknowledged offset and its fetch frontier
    /// (leased, waiting for redelivery, or acknowledged out of order); a fetch leases nothing new past it. Bounds the
    /// group's persisted state. Default 1000.
    /// </summary>
    public int MaxShareInFlight { get; set; } = 1000;

    /// <summary>The dead-letter topic's name for <paramref name="topic"/>.</summary>
    public string DeadLetterTopicFor(string topic) => ShareDeadLetterTopic.Replace("{topic}", topic, StringComparison.Ordinal);

    /// <summary>Checks every limit; returns one message per bad key, naming it.</summary>
    public IEnumerable<string> Validate()
    {
        if (MaxPartitions is < 1 or > PartitionCeiling)
        {
            yield return $"{SectionName}:MaxPartitions must be between 1 and {PartitionCeiling} (got {MaxPartitions}).";
        }

        if (DefaultPartitions < 1 || DefaultPartitions > MaxPartitions)
        {
            yield return $"{SectionName}:DefaultPartitions must be between 1 and MaxPartitions ({MaxPartitions}) (got {DefaultPartitions}).";
        }

        if (MaxRecordBytes is < 1 or > RecordCeilingBytes)
        {
            yield return $"{SectionName}:MaxRecordBytes must be between 1 and {RecordCeilingBytes} (got {MaxRecordBytes}).";
        }

        if (MaxBatchRecords is < 1 or > 10_000)
        {
            yield return $"{SectionName}:MaxBatchRecords must be between 1 and 10000 (got {MaxBatchRecords}).";
        }

        if (MaxBatchBytes < MaxRecordBytes || MaxBatchBytes > RecordCeilingBytes)
        {
            yield return $"{SectionName}:MaxBatchBytes must be between MaxRecordBytes ({MaxRecordBytes}) and {RecordCeilingBytes} (got {MaxBatchBytes}).";
        }

        if (MaxKeyBytes is < 1 or > 4096)
        {
            yield return $"{SectionName}:MaxKeyBytes must be between 1 and 4096 (got {MaxKeyBytes}).";
        }

        if (MaxHeaders is < 0 or > 1000)
        {
            yield return $"{SectionName}:MaxHeaders must be between 0 and 1000 (got {MaxHeaders}).";
        }

        if (MaxReadLimit < 1 || DefaultReadLimit < 1 || DefaultReadLimit > MaxReadLimit)
        {
            yield return $"{SectionName}:DefaultReadLimit and MaxReadLimit must be at least 1 with DefaultReadLimit <= MaxReadLimit (got {DefaultReadLimit}, {MaxReadLimit}).";
        }

        if (MaxReadBytes < 1)
        {
            yield return $"{SectionName}:MaxReadBytes must be at least 1 (got {MaxReadBytes}).";
        }

        if (MaxWaitMs is < 0 or > WaitCeilingMs)
        {
            yield return $"{SectionName}:MaxWaitMs must be between 0 and {WaitCeilingMs} (below the 30 s grain call timeout) (got {MaxWaitMs}).";
        }

        if (MaxProducersPerPartition is < 1 or > 256)
        {
            yield return $"{SectionName}:MaxProducersPerPartition must be between 1 and 256 (what one partition's head row holds) (got {MaxProducersPerPartition}).";
        }

        if (MinSessionTimeoutMs < 100 || MaxSessionTimeoutMs < MinSessionTimeoutMs)
        {
            yield return $"{SectionName}:MinSessionTimeoutMs must be at least 100 and at most MaxSessionTimeoutMs (got {MinSessionTimeoutMs}, {MaxSessionTimeoutMs}).";
        }

        if (DefaultSessionTimeoutMs < MinSessionTimeoutMs || DefaultSessionTimeoutMs > MaxSessionTimeoutMs)
        {
            yield return $"{SectionName}:DefaultSessionTimeoutMs must be between MinSessionTimeoutMs and MaxSessionTimeoutMs (got {DefaultSessionTimeoutMs}).";
        }

        if (MaxGroupMembers < 1)
        {
            yield return $"{SectionName}:MaxGroupMembers must be at least 1 (got {MaxGroupMembers}).";
        }

        if (MaxTopicsPerMember < 1)
        {
            yield return $"{SectionName}:MaxTopicsPerMember must be at least 1 (got {MaxTopicsPerMember}).";
        }

        if (SegmentBytes is < 1024 or > 64 * 1024 * 1024)
        {
            yield return $"{SectionName}:SegmentBytes must be between 1024 and 67108864 (got {SegmentBytes}).";
        }

        if (SegmentMs < 1000)
        {
            yield return $"{SectionName}:SegmentMs must be at least 1000 (got {SegmentMs}).";
        }

        if (MemoryWindowBytes < 0)
        {
            yield return $"{SectionName}:MemoryWindowBytes must be at least 0 (got {MemoryWindowBytes}).";
        }

        if (CleanupIntervalMs is < 100 or > 3_600_000)
        {
            yield return $"{SectionName}:CleanupIntervalMs must be between 100 and 3600000 (got {CleanupIntervalMs}).";
        }

        if (DeleteRetentionMs < 0)
        {
            yield return $"{SectionName}:DeleteRetentionMs must be at least 0 (got {DeleteRetentionMs}).";
        }

        if (MaxCompactionKeys < 1)
        {
            yield return $"{SectionName}:MaxCompactionKeys must be at least 1 (got {MaxCompactionKeys}).";
        }

        if (MaxShareFetchRecords is < 1 or > 10_000 || DefaultShareFetchRecords < 1 || DefaultShareFetchRecords > MaxShareFetchRecords)
        {
            yield return $"{SectionName}:DefaultShareFetchRecords and MaxShareFetchRecords must be at least 1 with DefaultShareFetchRecords <= MaxShareFetchRecords <= 10000 (got {DefaultShareFetchRecords}, {MaxShareFetchRecords}).";
        }

        if (MinVisibilityMs < 1 || MaxVisibilityMs < MinVisibilityMs || DefaultVisibilityMs < MinVisibilityMs || DefaultVisibilityMs > MaxVisibilityMs)
        {
            yield return $"{SectionName}:MinVisibilityMs, DefaultVisibilityMs and MaxVisibilityMs must be at least 1 and in that order (got {MinVisibilityMs}, {DefaultVisibilityMs}, {MaxVisibilityMs}).";
        }

        if (ShareMaxDeliveries is < 1 or > 1000)
        {
            yield return $"{SectionName}:ShareMaxDeliveries must be between 1 and 1000 (got {ShareMaxDeliveries}).";
        }

        if (ShareDeadLetterTopic is null || Platform.Validation.NameRules.CheckName(DeadLetterTopicFor("t")) is not null)
        {
            yield return $"{SectionName}:ShareDeadLetterTopic must give a topic name ({{topic}} is the source topic) (got '{ShareDeadLetterTopic}').";
        }

        if (MaxShareInFlight is < 1 or > 10_000)
        {
            yield return $"{SectionName}:MaxShareInFlight must be between 1 and 10000 (got {MaxShareInFlight}).";
        }

        if (SessionCheckMs is < 10 or > 10_000)
        {
            yield return $"{SectionName}:SessionCheckMs must be between 10 and 10000 (got {SessionCheckMs}).";
        }
    }
}
