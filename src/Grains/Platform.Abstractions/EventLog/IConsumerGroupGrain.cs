namespace Platform.EventLog;

/// <summary>
/// One consumer group (key: its name). Guarantee: each partition of the subscribed topics is assigned to at most one
/// member at a time (a partition that moves is released by its old owner before the new one gets it); the generation
/// only grows and is persisted before it is answered; a commit is stored only from a current member, in the current
/// generation, for partitions it owns, so a zombie's commit is refused with 409.
/// </summary>
[Alias("Platform.EventLog.IConsumerGroupGrain")]
public interface IConsumerGroupGrain : IGrainWithStringKey
{
    /// <summary>Joins or rejoins; a rejoin acknowledges the current generation (releasing partitions that moved away).</summary>
    [Alias("Join")]
    Task<GroupJoinResult> Join(GroupJoinRequest request, IReadOnlyDictionary<string, int> partitionCounts);

    /// <summary>
    /// Waits up to <paramref name="waitMs"/> until the member's assignment is settled (no partition it is due is still
    /// held by another member), then answers its assignment as a rejoin would.
    /// </summary>
    [Alias("AwaitSettled")]
    Task<GroupJoinResult> AwaitSettled(string memberId, int waitMs, CancellationToken cancellationToken = default);

    /// <summary>Keeps the member's session alive; 404 for a member that is not in the group (its session ended).</summary>
    [Alias("Heartbeat")]
    Task<GroupHeartbeatResult> Heartbeat(string memberId, long generation);

    /// <summary>Leaves the group; its partitions are reassigned. False when it was not a member.</summary>
    [Alias("Leave")]
    Task<bool> Leave(string memberId);

    /// <summary>Stores the offsets if the member is current, the generation is the group's, and it owns each partition; else 409.</summary>
    [Alias("Commit")]
    Task Commit(string memberId, long generation, IReadOnlyList<OffsetCommit> offsets);

    [Alias("Describe")]
    Task<GroupView> Describe();
}
