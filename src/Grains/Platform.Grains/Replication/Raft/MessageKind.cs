namespace Platform.Replication.Raft;

/// <summary>The kinds of message replicas exchange.</summary>
public enum MessageKind : byte
{
    /// <summary>Would you vote for me in <see cref="RaftMessage.Term"/>? Changes nobody's term or vote.</summary>
    PreVote = 0,
    PreVoteResponse = 1,

    /// <summary>Vote for me in <see cref="RaftMessage.Term"/> (RequestVote).</summary>
    Vote = 2,
    VoteResponse = 3,

    /// <summary>AppendEntries; with no entries, a heartbeat. Carries the commit index and a read context.</summary>
    Append = 4,
    AppendResponse = 5,

    /// <summary>InstallSnapshot, one chunk at a time.</summary>
    Snapshot = 6,
    SnapshotResponse = 7,

    /// <summary>Leadership transfer: start an election now, skipping pre-vote and the others' leader stickiness.</summary>
    TimeoutNow = 8,
}
