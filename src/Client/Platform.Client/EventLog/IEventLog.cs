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

    /// <summary>
    /// Leases records to this consumer of share group <paramref name="group"/> (competing consumers: each record is
    /// leased to one consumer at a time until its visibility timeout); records to deliver again come first.
    /// </summary>
    Task<IReadOnlyList<ShareLease>> FetchAsync(string topic, string group, ShareFetchOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Acknowledges leased records: done, never delivered again. The answer says per lease id what happened (an expired lease changes nothing).</summary>
    Task<IReadOnlyList<ShareSettleResult>> AckAsync(string topic, string group, IReadOnlyList<string> leaseIds, CancellationToken cancellationToken = default);

    /// <summary>Fails leased records: delivered again, or to the dead-letter topic after <c>ShareMaxDeliveries</c> deliveries.</summary>
    Task<IReadOnlyList<ShareSettleResult>> NackAsync(string topic, string group, IReadOnlyList<string> leaseIds, CancellationToken cancellationToken = default);

    /// <summary>Gives leased records back unprocessed: delivered again, and this delivery does not count.</summary>
    Task<IReadOnlyList<ShareSettleResult>> ReleaseAsync(string topic, string group, IReadOnlyList<string> leaseIds, CancellationToken cancellationToken = default);

    /// <summary>Per partition: the acknowledged start, the fetch frontier, leased and redeliverable records; 404 for an unknown topic.</summary>
    Task<ShareGroupDescription> DescribeShareGroupAsync(string topic, string group, CancellationToken cancellationToken = default);
}
