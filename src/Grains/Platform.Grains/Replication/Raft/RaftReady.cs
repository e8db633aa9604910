namespace Platform.Replication.Raft;

/// <summary>
/// What a node asks of its host after some input, in this order: persist <see cref="Snapshot"/>, then
/// <see cref="Entries"/> (storage drops what it has from <c>Entries[0].Index</c> on first) and <see cref="HardState"/>;
/// only then send <see cref="Messages"/> (they may promise what was just persisted: a vote, an appended entry); then
/// restore the snapshot into the state machine and apply <see cref="CommittedEntries"/>; then call
/// <see cref="RaftNode.Advance"/>.
/// </summary>
public sealed class RaftReady
{
    public HardState? HardState { get; init; }

    /// <summary>A snapshot received from the leader: persist it (replacing the stored log) and restore it.</summary>
    public RaftSnapshot? Snapshot { get; init; }

    public IReadOnlyList<LogEntry> Entries { get; init; } = [];

    public IReadOnlyList<LogEntry> CommittedEntries { get; init; } = [];

    public IReadOnlyList<RaftMessage> Messages { get; init; } = [];

    /// <summary>Reads confirmed by a quorum: serve each once the state machine has applied its index.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];

    /// <summary>Reads this node can no longer confirm (it stopped leading): answer them "not leader".</summary>
    public IReadOnlyList<long> FailedReads { get; init; } = [];

    public bool IsEmpty =>
        HardState is null && Snapshot is null && Entries.Count == 0 && CommittedEntries.Count == 0 && Messages.Count == 0
        && ReadStates.Count == 0 && FailedReads.Count == 0;
}
