namespace Platform.EventLog;

/// <summary>
/// The event log: topics with partitions and keyed order, produce (idempotent with a <see cref="ProducerIdentity"/>),
/// reads by offset with long polls, and consumer groups with generation-fenced commits. Every input is checked here
/// (names, limits), so the HTTP host and .NET callers get the same refusals.
/// </summary>
public interface IEventLog
{
    /// <summary>Creates a topic; the same settings again answer it unchanged (created false), other settings 409.</summary>
    Task<(TopicInfo Topic, bool Created)> CreateTopicAsync(string topic, TopicSettings settings, CancellationToken cancellationToken = default);

    /// <summary>The topic, or null.</summary>
    Task<TopicInfo?> GetTopicAsync(string topic, CancellationToken cancellationToken = default);

    /// <summary>Each partition's earliest and latest (next) offset; 404 for an unknown topic.</summary>
    Task<IReadOnlyList<PartitionOffsets>> GetOffsetsAsync(string topic, CancellationToken cancellationToken = default);

    Task<TopicPage> ListTopicsAsync(int? limit = null, string? continuationToken = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a topic with its records; false when there was none.</summary>
    Task<bool> DeleteTopicAsync(string topic, CancellationToken cancellationToken = default);

    /// <summary>Grows a topic to <paramref name="partitions"/> partitions (never shrinks; keys map to new partitions from then on).</summary>
    Task<TopicInfo> AddPartitionsAsync(string topic, int partitions, CancellationToken cancellationToken = default);

    /// <summary>Appends records: keyed ones to the partition the ring picks, keyless round-robin (sticky per call for an idempotent producer).</summary>
    Task<ProduceResult> ProduceAsync(string topic, IReadOnlyList<ProduceRecord> records, ProducerIdentity? producer = null, CancellationToken cancellationToken = default);

    /// <summary>Records of one partition from <paramref name="start"/>; waits up to <paramref name="waitMs"/> when there are none yet.</summary>
    Task<ReadResult> ReadAsync(string topic, int partition, ReadStart start, int? limit = null, int waitMs = 0, CancellationToken cancellationToken = default);

    /// <summary>Joins (or rejoins) a group; waits up to <paramref name="waitMs"/> for the assignment to settle.</summary>
    Task<GroupJoinResult> JoinGroupAsync(string group, GroupJoinRequest request, int waitMs = 0, CancellationToken cancellationToken = default);

    Task<GroupHeartbeatResult> HeartbeatAsync(string group, string memberId, long generation, CancellationToken cancellationToken = default);

    /// <summary>Leaves a group; false when the member was not in it.</summary>
    Task<bool> LeaveGroupAsync(string group, string memberId, CancellationToken cancellationToken = default);

    /// <summary>Commits offsets (the next offset to consume per partition); 409 unless the member holds them in the current generation.</summary>
    Task CommitAsync(string group, string memberId, long generation, IReadOnlyList<OffsetCommit> offsets, CancellationToken cancellationToken = default);

    /// <summary>Members, assignments, committed offsets and lag; 404 for a group never used.</summary>
    Task<GroupDescription> DescribeGroupAsync(string group, CancellationToken cancellationToken = default);
}
